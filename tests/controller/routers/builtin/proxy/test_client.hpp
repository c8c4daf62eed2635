#pragma once
// A blocking-looking HTTP client for router tests built on async operations, so that a
// router that never answers fails the test after a generous deadline instead of hanging it.
#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rollguard::testing {

namespace tc_beast = boost::beast;
namespace tc_http = boost::beast::http;
namespace tc_net = boost::asio;

using TestRequest = tc_http::request<tc_http::string_body>;
using TestResponse = tc_http::response<tc_http::string_body>;

inline TestRequest make_get(std::string target = "/") {
  TestRequest req{tc_http::verb::get, target, 11};
  req.set(tc_http::field::host, "app.example");
  return req;
}

struct Reply {
  std::optional<TestResponse> response;  // empty: the connection failed or closed
  tc_beast::error_code error;
  int status() const { return response ? response->result_int() : 0; }
  std::string body() const { return response ? response->body() : std::string{}; }
  std::string header(const char* name) const {
    if (!response) return {};
    const auto it = response->find(name);
    return it == response->end() ? std::string{} : std::string(it->value());
  }
};

class TestClient {
 public:
  static constexpr auto kDeadline = std::chrono::seconds(30);

  explicit TestClient(unsigned short port) : stream_(io_) {
    const tc_net::ip::tcp::endpoint ep(tc_net::ip::make_address("127.0.0.1"), port);
    stream_.async_connect(ep, [this](tc_beast::error_code ec) { connect_error_ = ec; });
    run();
  }
  bool connected() const { return !connect_error_; }

  Reply send(TestRequest req) {
    req.prepare_payload();
    Reply reply;
    TestResponse res;
    tc_http::async_write(stream_, req, [&](tc_beast::error_code ec, std::size_t) {
      if (ec) {
        reply.error = ec;
        return;
      }
      tc_http::async_read(stream_, buffer_, res, [&](tc_beast::error_code ec, std::size_t) {
        reply.error = ec;
        if (!ec) reply.response = std::move(res);
      });
    });
    run();
    return reply;
  }

  // Writes raw bytes and reads one response (or the close), for malformed or partial input.
  Reply send_raw(const std::string& bytes) {
    Reply reply;
    TestResponse res;
    tc_net::async_write(stream_, tc_net::buffer(bytes), [&](tc_beast::error_code ec, std::size_t) {
      if (ec) {
        reply.error = ec;
        return;
      }
      tc_http::async_read(stream_, buffer_, res, [&](tc_beast::error_code ec, std::size_t) {
        reply.error = ec;
        if (!ec) reply.response = std::move(res);
      });
    });
    run();
    return reply;
  }

  // True when the peer closes the connection (EOF or reset) before the deadline.
  bool closed_by_peer() {
    bool closed = false;
    char byte;
    stream_.async_read_some(tc_net::buffer(&byte, 1), [&](tc_beast::error_code ec, std::size_t) {
      closed = ec == tc_net::error::eof || ec == tc_net::error::connection_reset;
    });
    run();
    return closed;
  }

 private:
  void run() {
    io_.restart();
    io_.run_for(kDeadline);
    if (!io_.stopped()) {  // past the deadline: abort so no handler outlives its caller
      stream_.socket().close();
      io_.restart();
      io_.run();
    }
  }

  tc_net::io_context io_;
  tc_beast::tcp_stream stream_;
  tc_beast::flat_buffer buffer_;
  tc_beast::error_code connect_error_;
};

inline Reply get_once(unsigned short port, TestRequest req) {
  TestClient client(port);
  return client.send(std::move(req));
}

}  // namespace rollguard::testing
