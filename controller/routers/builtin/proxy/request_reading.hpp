#pragma once
// How the router reads HTTP: the Beast parsers with the router's limits, and what a failed
// read means to the client. Session drives these parsers from sockets; fuzz/router_request.cpp
// drives the same parsers, set up by the same functions, from bytes.
#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "controller/routers/builtin/proxy/router_options.hpp"
#include "health/net/request_parsing.hpp"

namespace rollguard {

using RequestParser = FieldLimitedRequestParser<boost::beast::http::string_body>;
using ResponseParser = boost::beast::http::response_parser<boost::beast::http::string_body>;

// Headers (request line or status line included) beyond this are refused, in both directions.
inline constexpr std::size_t kRouterHeaderLimit = 16 * 1024;
// Header fields of a client request (Host included) beyond this are refused like too many
// bytes (health/net/request_parsing.hpp says why bytes alone are not enough).
inline constexpr std::size_t kRouterHeaderFieldLimit = 100;

// A fresh client request parser: headers up to kRouterHeaderLimit bytes and
// kRouterHeaderFieldLimit fields, the body up to bodyLimit.
void limit_client_request(RequestParser& parser, const RouterOptions& options);

// A fresh upstream response parser: headers up to kRouterHeaderLimit, the body up to
// responseBodyLimit; `head` when the request was HEAD (the response has no body to read).
void limit_upstream_response(ResponseParser& parser, const RouterOptions& options, bool head);

// What the router answers when reading a client request failed.
struct Refusal {
  boost::beast::http::status status;
  std::string_view reason;
};

// After the headers: 413, 431 or 400; nullopt when the client closed or went quiet (the
// connection just closes).
std::optional<Refusal> refusal_after_header_error(const boost::beast::error_code& ec);

// After the body: 413 over bodyLimit, 400 for broken framing (a bad chunk size, a chunk longer
// than its size); nullopt when the client broke off or went quiet.
std::optional<Refusal> refusal_after_body_error(const boost::beast::error_code& ec);

// Whether the client waits for "100 Continue" before it sends the body.
bool wants_continue(const RequestParser& parser);

}  // namespace rollguard
