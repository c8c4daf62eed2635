#pragma once
// A small blocking HTTP/1.1 client for tests: one keep-alive connection to 127.0.0.1:port,
// every operation bounded by a timeout (async Beast calls driven to completion), errors
// thrown as boost::system::system_error so that gtest reports them.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace rollguard::testing {

class TestHttpClient {
 public:
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  explicit TestHttpClient(std::uint16_t port,
                          std::chrono::seconds timeout = std::chrono::seconds(20))
      : port_(port), timeout_(timeout) {}

  // Sends without waiting for the answer; read() collects it.
  void send(boost::beast::http::verb method, const std::string& target,
            const std::string& body = {}) {
    namespace http = boost::beast::http;
    if (!connected_) connect();
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();
    stream_.expires_after(timeout_);
    boost::beast::error_code error;
    http::async_write(stream_, request,
                      [&](boost::beast::error_code ec, std::size_t) { error = ec; });
    drive(error);
  }

  Response read() {
    Response response;
    stream_.expires_after(timeout_);
    boost::beast::error_code error;
    boost::beast::http::async_read(stream_, buffer_, response,
                                   [&](boost::beast::error_code ec, std::size_t) { error = ec; });
    drive(error);
    if (!response.keep_alive()) disconnect();
    return response;
  }

  Response request(boost::beast::http::verb method, const std::string& target,
                   const std::string& body = {}) {
    send(method, target, body);
    return read();
  }

  Response get(const std::string& target) { return request(boost::beast::http::verb::get, target); }

 private:
  void connect() {
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    stream_.async_connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_),
        [&](boost::beast::error_code ec) { error = ec; });
    drive(error);
    connected_ = true;
  }

  void disconnect() {
    boost::beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    connected_ = false;
  }

  void drive(const boost::beast::error_code& error) {
    io_.restart();
    io_.run();
    if (error) {
      disconnect();
      throw boost::system::system_error(error);
    }
  }

  const std::uint16_t port_;
  const std::chrono::seconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_{io_};
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace rollguard::testing
