#pragma once
// Header rewriting at the proxy boundary (RFC 9110 7.6.1): hop-by-hop headers are for one
// connection only, so they are dropped in both directions, with any header the Connection
// header names. Host is left as the client sent it (or set when it sent none). Bodies are
// forwarded whole, so framing is recomputed (Content-Length) rather than copied.
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "manifests/vocabulary.hpp"

namespace rollguard {

using ProxyRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ProxyResponse = boost::beast::http::response<boost::beast::http::string_body>;

void strip_hop_by_hop(boost::beast::http::fields& fields);

// The request as it goes upstream: HTTP/1.1, kept alive, X-Forwarded-For extended.
void prepare_upstream_request(ProxyRequest& req, std::string_view client_ip);

// An HTTP/1.0 client may send no Host, but the request goes upstream as HTTP/1.1, which must
// carry one (RFC 9112 3.2; strict servers answer 400 without it): then it is the backend's
// address, as nginx's proxy_pass sets it. A Host the client sent is left alone.
void ensure_host(ProxyRequest& req, const boost::asio::ip::tcp::endpoint& backend);

// The response as it goes back to the client; `head` is true for a HEAD request (whose
// Content-Length describes a body that is not sent).
void prepare_client_response(ProxyResponse& res, Role role, unsigned client_version,
                             bool keep_alive, bool head);

// X-Rollguard-Role: which pool answered (or was meant to).
void set_role_header(ProxyResponse& res, Role role);

// A response the router makes itself (400, 413, 502, 503, 504).
ProxyResponse router_response(boost::beast::http::status status, unsigned version, bool keep_alive,
                              std::string_view reason);

}  // namespace rollguard
