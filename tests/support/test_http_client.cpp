#include "tests/support/test_http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cctype>

namespace rollguard::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::string lower(std::string out) {
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

TestRequest make_get(std::string target) {
  TestRequest request{http::verb::get, target, 11};
  request.set(http::field::host, "app.example");
  return request;
}

std::string TestResponse::header(std::string_view name) const {
  const auto it = headers.find(lower(std::string(name)));
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json TestResponse::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

TestHttpClient::TestHttpClient(std::uint16_t port, std::chrono::seconds timeout)
    : port_(port), timeout_(timeout) {}

TestResponse TestHttpClient::request(const std::string& method, const std::string& target,
                                     const std::string& body, const TestHeaders& headers) {
  send(method, target, body, headers);
  return read();
}

TestResponse TestHttpClient::get(const std::string& target, const TestHeaders& headers) {
  return request("GET", target, {}, headers);
}

void TestHttpClient::send(const std::string& method, const std::string& target,
                          const std::string& body, const TestHeaders& headers) {
  TestRequest request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  if (!body.empty() || method == "PUT" || method == "POST") request.prepare_payload();
  beast::error_code error;
  if (ensure_connected(error)) write(request, error);
  throw_on(error);
}

TestResponse TestHttpClient::read() {
  beast::error_code error;
  TestResponse response = read(error);
  throw_on(error);
  return response;
}

void TestHttpClient::write_raw(const std::string& bytes) {
  beast::error_code error;
  if (ensure_connected(error)) write_bytes(bytes, error);
  throw_on(error);
}

bool TestHttpClient::read_until(std::string& bytes,
                                const std::function<bool(const std::string&)>& done) {
  if (buffer_.size() > 0) {
    bytes += beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
  }
  stream_.expires_after(timeout_);
  char scratch[4096];
  while (!done(bytes)) {
    beast::error_code error;
    std::size_t n = 0;
    stream_.async_read_some(net::buffer(scratch), [&](beast::error_code ec, std::size_t got) {
      error = ec;
      n = got;
    });
    drive();
    bytes.append(scratch, n);
    if (error) return done(bytes);
  }
  return true;
}

bool TestHttpClient::connect() {
  beast::error_code error;
  return ensure_connected(error);
}

TestResponse TestHttpClient::exchange(TestRequest request) {
  request.prepare_payload();
  beast::error_code error;
  TestResponse response;
  if (ensure_connected(error)) write(request, error);
  if (!error) response = read(error);
  if (error) disconnect();  // the next call starts on a new connection
  response.error = error;
  return response;
}

TestResponse TestHttpClient::exchange_raw(const std::string& bytes) {
  beast::error_code error;
  TestResponse response;
  if (ensure_connected(error)) write_bytes(bytes, error);
  if (!error) response = read(error);
  if (error) disconnect();  // the next call starts on a new connection
  response.error = error;
  return response;
}

bool TestHttpClient::closed_by_peer() {
  beast::error_code error;
  char byte;
  stream_.expires_after(timeout_);
  stream_.async_read_some(net::buffer(&byte, 1),
                          [&](beast::error_code ec, std::size_t) { error = ec; });
  drive();
  return error == net::error::eof || error == net::error::connection_reset;
}

bool TestHttpClient::ensure_connected(beast::error_code& error) {
  if (connected_ && !peer_closes_) return true;
  disconnect();
  stream_.expires_after(timeout_);
  stream_.async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                        [&](beast::error_code ec) { error = ec; });
  drive();
  connected_ = !error;
  return connected_;
}

void TestHttpClient::write(const TestRequest& request, beast::error_code& error) {
  stream_.expires_after(timeout_);
  http::async_write(stream_, request, [&](beast::error_code ec, std::size_t) { error = ec; });
  drive();
}

void TestHttpClient::write_bytes(const std::string& bytes, beast::error_code& error) {
  stream_.expires_after(timeout_);
  net::async_write(stream_, net::buffer(bytes),
                   [&](beast::error_code ec, std::size_t) { error = ec; });
  drive();
}

TestResponse TestHttpClient::read(beast::error_code& error) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  stream_.expires_after(timeout_);
  http::async_read(stream_, buffer_, parser,
                   [&](beast::error_code ec, std::size_t) { error = ec; });
  drive();
  TestResponse out;
  if (error) return out;
  const auto& message = parser.get();
  out.status = static_cast<int>(message.result_int());
  for (const auto& field : message)
    out.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  out.body = message.body();
  out.keep_alive = message.keep_alive();
  // The socket stays open: a test may check that the peer does close it.
  peer_closes_ = !out.keep_alive;
  return out;
}

void TestHttpClient::drive() {
  io_.restart();
  io_.run();
}

void TestHttpClient::throw_on(const beast::error_code& error) {
  if (!error) return;
  disconnect();
  throw boost::system::system_error(error);
}

void TestHttpClient::disconnect() {
  beast::error_code ignored;
  stream_.socket().close(ignored);
  buffer_.clear();
  connected_ = false;
  peer_closes_ = false;
}

TestResponse request_once(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body, const TestHeaders& headers) {
  TestHttpClient client(port);
  return client.request(method, target, body, headers);
}

TestResponse exchange_once(std::uint16_t port, TestRequest request) {
  TestHttpClient client(port);
  return client.exchange(std::move(request));
}

}  // namespace rollguard::testing
