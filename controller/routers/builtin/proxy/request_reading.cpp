#include "controller/routers/builtin/proxy/request_reading.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace rollguard {

namespace http = boost::beast::http;
namespace net = boost::asio;

void limit_client_request(RequestParser& parser, const RouterOptions& options) {
  parser.header_limit(kRouterHeaderLimit);
  parser.field_limit(kRouterHeaderFieldLimit);
  parser.body_limit(options.bodyLimit);
}

void limit_upstream_response(ResponseParser& parser, const RouterOptions& options, bool head) {
  parser.header_limit(kRouterHeaderLimit);
  parser.body_limit(options.responseBodyLimit);
  parser.skip(head);
}

std::optional<Refusal> refusal_after_header_error(const boost::beast::error_code& ec) {
  if (ec == http::error::body_limit)
    return Refusal{http::status::payload_too_large, "request body too large"};
  if (ec == http::error::header_limit)
    return Refusal{http::status::request_header_fields_too_large, "request headers too large"};
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::bad_descriptor || ec == net::error::eof ||
      ec == net::error::connection_reset)
    return std::nullopt;
  return Refusal{http::status::bad_request, "malformed request"};
}

std::optional<Refusal> refusal_after_body_error(const boost::beast::error_code& ec) {
  if (ec == http::error::body_limit)
    return Refusal{http::status::payload_too_large, "request body too large"};
  // A parse error in the body (bad chunked framing) is the client's mistake, not its
  // departure: it gets a 400 like a malformed header, not a connection closed without a word.
  if (is_malformed_message(ec)) return Refusal{http::status::bad_request, "malformed request body"};
  return std::nullopt;
}

bool wants_continue(const RequestParser& parser) {
  const auto expect = parser.get().find(http::field::expect);
  return expect != parser.get().end() && boost::beast::iequals(expect->value(), "100-continue") &&
         !parser.is_done();
}

}  // namespace rollguard
