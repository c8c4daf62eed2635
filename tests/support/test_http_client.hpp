#pragma once
// The tests' HTTP/1.1 client, independent of the clients under test: one connection to
// 127.0.0.1:port, opened on first use and again once the peer has said it closes, every step
// bounded by a generous timeout, and raw bytes when a test sends something that is not quite
// HTTP. Two styles: request(), get(), send(), read(), write_raw() and read_until() throw
// boost::system::system_error (gtest reports it); exchange() and exchange_raw() put the error
// in the answer, for the tests whose point is a failure.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rollguard::testing {

using TestRequest = boost::beast::http::request<boost::beast::http::string_body>;
using TestHeaders = std::map<std::string, std::string>;

// A GET as a user's client sends it to the app behind a router (Host: app.example).
TestRequest make_get(std::string target = "/");

struct TestResponse {
  int status = 0;       // 0: no answer (see `error`)
  TestHeaders headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;
  boost::beast::error_code error;  // set by exchange() and exchange_raw() only

  std::string header(std::string_view name) const;  // any case; empty when absent
  nlohmann::json json() const;                      // is_discarded() when not JSON
};

class TestHttpClient {
 public:
  explicit TestHttpClient(std::uint16_t port,
                          std::chrono::seconds timeout = std::chrono::seconds(30));
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  // Host: 127.0.0.1 unless `headers` say otherwise; a Content-Length when there is a body or
  // the method is PUT or POST.
  TestResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {}, const TestHeaders& headers = {});
  TestResponse get(const std::string& target, const TestHeaders& headers = {});
  // Sends without waiting for the answer; read() collects it.
  void send(const std::string& method, const std::string& target, const std::string& body = {},
            const TestHeaders& headers = {});
  TestResponse read();
  void write_raw(const std::string& bytes);
  // Reads raw bytes (for event streams) into `bytes` until `done(bytes)` holds; false when the
  // connection ended or the timeout passed first.
  bool read_until(std::string& bytes, const std::function<bool(const std::string&)>& done);

  // Connects if not connected; false when refused or past the timeout.
  bool connect();
  // `request` as it is (after prepare_payload) and its answer, or the error that ended it
  // (after which the next call opens a new connection).
  TestResponse exchange(TestRequest request);
  // Writes raw bytes and reads one response (or the close), for malformed or partial input.
  TestResponse exchange_raw(const std::string& bytes);
  // True when the peer closes the connection (EOF or reset) before the timeout, sending
  // nothing more.
  bool closed_by_peer();

 private:
  bool ensure_connected(boost::beast::error_code& error);
  void write(const TestRequest& request, boost::beast::error_code& error);
  void write_bytes(const std::string& bytes, boost::beast::error_code& error);
  TestResponse read(boost::beast::error_code& error);
  void drive();
  void throw_on(const boost::beast::error_code& error);
  void disconnect();

  const std::uint16_t port_;
  const std::chrono::seconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_{io_};
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
  bool peer_closes_ = false;  // the last answer said Connection: close
};

// One request on a connection of its own.
TestResponse request_once(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {}, const TestHeaders& headers = {});
// One exchange on a connection of its own; never throws.
TestResponse exchange_once(std::uint16_t port, TestRequest request);

}  // namespace rollguard::testing
