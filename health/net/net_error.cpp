#include "health/net/net_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>

#include "manifests/duration.hpp"

namespace rollguard {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string describe_net_error(const boost::system::error_code& ec, Duration timeout) {
  if (ec == beast::error::timeout || ec == net::error::timed_out)
    return "timed out after " + format_duration(timeout);
  if (ec == net::error::connection_refused) return "connection refused";
  if (ec == net::error::connection_reset) return "connection reset by peer";
  if (ec == net::error::broken_pipe) return "connection closed by peer while sending";
  if (ec == net::error::host_not_found || ec == net::error::host_not_found_try_again)
    return "cannot resolve host";
  if (ec == http::error::end_of_stream || ec == net::error::eof)
    return "connection closed before a response";
  if (ec == http::error::partial_message) return "connection closed in the middle of a response";
  if (ec.category() == http::make_error_code(http::error::bad_version).category())
    return "malformed response: " + ec.message();
  std::string text = ec.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace rollguard
