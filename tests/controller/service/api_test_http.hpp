#pragma once
// A blocking HTTP/1.1 client for the API tests, independent of the CLI client under test:
// one connection per call (or a kept one), every step bounded by a generous deadline, raw
// bytes when a test needs to send something that is not quite HTTP.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace rollguard::testing {

struct ApiResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& lower_case_name) const {
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class ApiTestConnection {
 public:
  explicit ApiTestConnection(unsigned short port,
                             std::chrono::seconds timeout = std::chrono::seconds(20))
      : timeout_(timeout) {
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    stream_.async_connect({boost::asio::ip::make_address("127.0.0.1"), port},
                          [&](boost::beast::error_code ec) { error = ec; });
    drive(error);
  }

  ApiResponse request(const std::string& method, const std::string& target,
                      const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    if (!body.empty() || method == "PUT" || method == "POST") request.prepare_payload();
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    http::async_write(stream_, request,
                      [&](boost::beast::error_code ec, std::size_t) { error = ec; });
    drive(error);
    return read();
  }

  ApiResponse read() {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser,
                     [&](boost::beast::error_code ec, std::size_t) { error = ec; });
    drive(error);
    ApiResponse out;
    out.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = parser.get().body();
    return out;
  }

  void write_raw(const std::string& bytes) {
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    boost::asio::async_write(stream_, boost::asio::buffer(bytes),
                             [&](boost::beast::error_code ec, std::size_t) { error = ec; });
    drive(error);
  }

  // Reads until the server closes the connection; true when it did before the timeout.
  bool closed_by_server() {
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    char scratch[512];
    for (;;) {
      std::size_t n = 0;
      stream_.async_read_some(boost::asio::buffer(scratch),
                              [&](boost::beast::error_code ec, std::size_t got) {
                                error = ec;
                                n = got;
                              });
      io_.restart();
      io_.run();
      if (error) return error != boost::beast::error::timeout;
      (void)n;
    }
  }

  // Reads raw bytes (for event streams) until `predicate(all bytes so far)` holds; false when
  // the connection ended or the timeout passed first.
  template <class Predicate>
  bool read_until(std::string& bytes, Predicate predicate) {
    boost::beast::error_code error;
    stream_.expires_after(timeout_);
    if (buffer_.size() > 0) {
      bytes += boost::beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
    }
    char scratch[4096];
    while (!predicate(bytes)) {
      std::size_t n = 0;
      stream_.async_read_some(boost::asio::buffer(scratch),
                              [&](boost::beast::error_code ec, std::size_t got) {
                                error = ec;
                                n = got;
                              });
      io_.restart();
      io_.run();
      bytes.append(scratch, n);
      if (error) return predicate(bytes);
    }
    return true;
  }

 private:
  void drive(const boost::beast::error_code& error) {
    io_.restart();
    io_.run();
    if (error) throw boost::system::system_error(error);
  }

  std::chrono::seconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_{io_};
  boost::beast::flat_buffer buffer_;
};

inline ApiResponse api_request(unsigned short port, const std::string& method,
                               const std::string& target, const std::string& body = {},
                               const std::map<std::string, std::string>& headers = {}) {
  ApiTestConnection connection(port);
  return connection.request(method, target, body, headers);
}

}  // namespace rollguard::testing
