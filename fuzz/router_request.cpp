// The built-in router's HTTP reading (controller/routers/builtin/proxy/request_reading.hpp):
// the Beast parsers with the router's limits, fed as Session feeds them (a request's headers,
// then its body, pipelined requests one after another on a kept-alive connection; an upstream
// response likewise, header first), the answer to a bad read, and the header rewriting of
// proxy_headers.hpp on what parsed. The first byte picks: how many bytes each read returns
// (TCP segments), small body limits (so that 413 and the upstream limit are reachable with
// small inputs), the direction (client requests, or one upstream response) and whether the
// request was HEAD. The rest is the bytes on the wire.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>

#include "controller/routers/builtin/proxy/proxy_headers.hpp"
#include "controller/routers/builtin/proxy/request_reading.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace rollguard;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

// A SyncReadStream over the input: at most `chunk` bytes per read, then end of file, as a
// socket whose peer sent the bytes and closed.
class BytesStream {
 public:
  BytesStream(std::string_view bytes, std::size_t chunk) : rest_(bytes), chunk_(chunk) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    ec = {};
    if (rest_.empty()) {
      ec = net::error::eof;
      return 0;
    }
    const std::size_t n =
        net::buffer_copy(buffers, net::const_buffer(rest_.data(), std::min(chunk_, rest_.size())));
    rest_.remove_prefix(n);
    return n;
  }

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view rest_;
  std::size_t chunk_;
};

template <class Message>
std::string serialized(const Message& message) {
  std::ostringstream out;
  out << message;
  return out.str();
}

void client_requests(BytesStream& stream, const RouterOptions& options) {
  beast::flat_buffer buffer;
  for (int request_count = 0; request_count < 8; ++request_count) {
    RequestParser parser;
    limit_client_request(parser, options);
    beast::error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (!ec && wants_continue(parser)) {
      // Session writes "100 Continue" here, then reads the body.
    }
    if (!ec && !parser.is_done()) {
      http::read(stream, buffer, parser, ec);
      if (ec) {
        if (const auto refusal = refusal_after_body_error(ec))
          (void)serialized(
              router_response(refusal->status, parser.get().version(), false, refusal->reason));
        return;
      }
    } else if (ec) {
      if (const auto refusal = refusal_after_header_error(ec))
        (void)serialized(
            router_response(refusal->status, parser.get().version(), false, refusal->reason));
      return;
    }
    ProxyRequest request = parser.release();
    fuzz::check(request.body().size() <= options.bodyLimit, "a body over the router's limit");
    const bool keep_alive = request.keep_alive();
    (void)(request.find(beast::string_view(options.previewHeader)) != request.end());
    prepare_upstream_request(request, "192.0.2.7");
    (void)serialized(request);
    if (!keep_alive) return;
  }
}

void upstream_response(BytesStream& stream, const RouterOptions& options, bool head) {
  beast::flat_buffer buffer;
  ResponseParser parser;
  limit_upstream_response(parser, options, head);
  beast::error_code ec;
  // As Session reads it: the header, then the rest (see Session::on_upstream_sent).
  http::read_header(stream, buffer, parser, ec);
  if (!ec && !parser.is_done()) http::read(stream, buffer, parser, ec);
  if (ec) {
    (void)serialized(router_response(http::status::bad_gateway, 11, true, "upstream failed"));
    return;
  }
  ProxyResponse response = parser.release();
  fuzz::check(response.body().size() <= options.responseBodyLimit,
              "a response body over the router's limit");
  prepare_client_response(response, Role::Canary, 11, response.keep_alive(), head);
  (void)serialized(response);
}

}  // namespace

// Beast's assertions are active here (the fuzz build has no NDEBUG) and off in release builds.
// One of them is wrong in Boost 1.74: basic_parser::parse_chunk_header asserts `n >= 5` where
// three bytes of a chunked body (after the last chunk, split across reads) are valid and the
// code that follows correctly asks for more (boostorg/beast#2861, fixed in Boost 1.86). That
// one is let through, as release builds do; every other assertion aborts and is a finding.
namespace boost {

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {
  const std::string_view e(expr), f(file);
  if (e == "n >= 5" && f.ends_with("beast/http/impl/basic_parser.ipp")) return;
  std::fprintf(stderr, "%s:%ld: %s: Boost assertion `%s' failed%s%s\n", file, line, function, expr,
               msg ? ": " : "", msg ? msg : "");
  std::abort();
}

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  assertion_failed_msg(expr, nullptr, function, file, line);
}

}  // namespace boost

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr std::size_t kChunks[] = {1, 7, 512, 4096};
  BytesStream stream(wire, kChunks[flags & 3]);
  RouterOptions options;
  if (flags & 4) {
    options.bodyLimit = 64;
    options.responseBodyLimit = 64;
  }
  if (flags & 8)
    upstream_response(stream, options, (flags & 16) != 0);
  else
    client_requests(stream, options);
  return 0;
}
