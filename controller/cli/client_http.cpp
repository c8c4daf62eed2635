#include "controller/cli/client_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace rollguard::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Runs the io_context until the operation started before completes; throws on `error`.
void drive(net::io_context& io, const beast::error_code& error, const std::string& what) {
  io.restart();
  io.run();
  if (error) throw ClientUnreachable(what + ": " + error.message());
}

// Splits an SSE byte stream into messages (blank-line separated; ':' lines are comments).
class SseParser {
 public:
  template <class F>
  bool feed(std::string_view bytes, F&& on_message) {
    text_.append(bytes);
    for (;;) {
      const auto end = text_.find("\n\n");
      if (end == std::string::npos) return true;
      SseMessage m;
      std::string_view block(text_.data(), end);
      while (!block.empty()) {
        const auto nl = block.find('\n');
        std::string_view line = block.substr(0, nl);
        block = nl == std::string_view::npos ? std::string_view{} : block.substr(nl + 1);
        if (line.empty() || line.front() == ':') continue;
        const auto colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "id")
          m.id = value;
        else if (field == "event")
          m.event = value;
        else if (field == "data")
          m.data += (m.data.empty() ? "" : "\n") + std::string(value);
      }
      text_.erase(0, end + 2);
      if (!m.data.empty() && !on_message(m)) return false;
    }
  }

 private:
  std::string text_;
};

class Connection {
 public:
  Connection(const ServerUrl& url, const ClientOptions& options) : url_(url) {
    if (url.tls) {
      tls_.emplace(net::ssl::context::tls_client);
      tls_->set_default_verify_paths();
      boost::system::error_code ec;
      if (!options.ca_file.empty()) tls_->load_verify_file(options.ca_file, ec);
      if (ec) throw std::invalid_argument("--ca-cert " + options.ca_file + ": " + ec.message());
      tls_->set_verify_mode(net::ssl::verify_peer);
      ssl_.emplace(io_, *tls_);
    } else {
      plain_.emplace(io_);
    }
  }

  beast::tcp_stream& lowest() { return ssl_ ? beast::get_lowest_layer(*ssl_) : *plain_; }

  void connect(Clock::time_point deadline) {
    beast::error_code error;
    tcp::resolver resolver(io_);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(url_.host, url_.port,
                           [&](beast::error_code ec, tcp::resolver::results_type r) {
                             error = ec;
                             endpoints = std::move(r);
                           });
    drive(io_, error, "cannot resolve " + url_.host);
    lowest().expires_at(deadline);
    lowest().async_connect(endpoints,
                           [&](beast::error_code ec, const tcp::endpoint&) { error = ec; });
    drive(io_, error, "cannot connect to " + url_.host + ":" + url_.port);
    if (ssl_) {
      if (!SSL_set_tlsext_host_name(ssl_->native_handle(), url_.host.c_str()))
        throw ClientUnreachable("TLS: cannot set the server name");
      ssl_->set_verify_callback(net::ssl::host_name_verification(url_.host));
      ssl_->async_handshake(net::ssl::stream_base::client,
                            [&](beast::error_code ec) { error = ec; });
      drive(io_, error, "TLS handshake with " + url_.host);
    }
  }

  template <class F>
  void with_stream(F&& f) {
    if (ssl_)
      f(*ssl_);
    else
      f(*plain_);
  }

  net::io_context& io() { return io_; }

 private:
  const ServerUrl& url_;
  net::io_context io_;
  std::optional<net::ssl::context> tls_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> ssl_;
  std::optional<beast::tcp_stream> plain_;
};

http::request<http::string_body> make_request(const ServerUrl& url, const ClientOptions& options,
                                              const std::string& method,
                                              const std::string& target) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(url.prefix + target);
  request.version(11);
  request.set(http::field::host, url.host + ":" + url.port);
  request.set(http::field::user_agent, "rollguard-cli");
  if (!options.token.empty()) request.set(http::field::authorization, "Bearer " + options.token);
  return request;
}

}  // namespace

std::optional<ServerUrl> parse_server_url(const std::string& text, std::string& error) {
  ServerUrl url;
  std::string_view rest = text;
  if (rest.starts_with("https://")) {
    url.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    error = "--server: expected http://HOST:PORT or https://HOST:PORT, got \"" + text + "\"";
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.prefix = rest.substr(slash);
  while (!url.prefix.empty() && url.prefix.back() == '/') url.prefix.pop_back();
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "--server: unclosed '[' in \"" + text + "\"";
      return std::nullopt;
    }
    url.host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (authority.starts_with(":")) url.port = authority.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) url.port = authority.substr(colon + 1);
  }
  if (url.port.empty()) url.port = url.tls ? "443" : "80";
  if (url.host.empty() || url.port.find_first_not_of("0123456789") != std::string::npos) {
    error = "--server: cannot read a host and port in \"" + text + "\"";
    return std::nullopt;
  }
  return url;
}

ApiClient::ApiClient(ClientOptions options) : options_(std::move(options)) {
  std::string error;
  auto url = parse_server_url(options_.server, error);
  if (!url) throw std::invalid_argument(error);
  url_ = *url;
}

ClientResponse ApiClient::request(const std::string& method, const std::string& target,
                                  const std::string& body, const std::string& content_type) {
  const auto deadline = Clock::now() + options_.timeout;
  Connection connection(url_, options_);
  connection.connect(deadline);
  auto request = make_request(url_, options_, method, target);
  if (!body.empty() || method == "PUT" || method == "POST") {
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    request.body() = body;
  }
  request.keep_alive(false);
  request.prepare_payload();
  ClientResponse out;
  connection.with_stream([&](auto& stream) {
    beast::error_code error;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    connection.lowest().expires_at(deadline);
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) { error = ec; });
    drive(connection.io(), error, "sending the request to " + url_.host);
    http::async_read(stream, buffer, parser,
                     [&](beast::error_code ec, std::size_t) { error = ec; });
    drive(connection.io(), error, "reading the answer of " + url_.host);
    out.status = static_cast<int>(parser.get().result_int());
    out.content_type = std::string(parser.get()[http::field::content_type]);
    out.body = std::move(parser.get().body());
  });
  return out;
}

ApiClient::StreamEnd ApiClient::stream(const std::string& target,
                                       const std::function<bool(const SseMessage&)>& on_message,
                                       std::optional<Clock::time_point> deadline,
                                       ClientResponse* refused) {
  const auto connect_deadline = Clock::now() + options_.timeout;
  Connection connection(url_, options_);
  connection.connect(connect_deadline);  // a --timeout that ran out is seen on the first read
  auto request = make_request(url_, options_, "GET", target);
  request.set(http::field::accept, "text/event-stream");
  StreamEnd end = StreamEnd::Closed;
  connection.with_stream([&](auto& stream) {
    beast::error_code error;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    connection.lowest().expires_at(connect_deadline);
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) { error = ec; });
    drive(connection.io(), error, "sending the request to " + url_.host);
    http::async_read_header(stream, buffer, parser,
                            [&](beast::error_code ec, std::size_t) { error = ec; });
    drive(connection.io(), error, "reading the answer of " + url_.host);
    if (parser.get().result_int() != 200) {
      http::async_read(stream, buffer, parser,
                       [&](beast::error_code ec, std::size_t) { error = ec; });
      drive(connection.io(), error, "reading the answer of " + url_.host);
      if (refused)
        *refused = {static_cast<int>(parser.get().result_int()), "", parser.get().body()};
      return;
    }
    SseParser sse;
    bool stopped = false;
    auto on_chunk = [&](std::uint64_t, beast::string_view body, beast::error_code& ec) {
      if (!sse.feed(std::string_view(body.data(), body.size()), on_message)) {
        stopped = true;
        ec = net::error::operation_aborted;
      }
      return body.size();
    };
    parser.on_chunk_body(on_chunk);
    if (deadline)
      connection.lowest().expires_at(*deadline);
    else
      connection.lowest().expires_never();
    while (!parser.is_done()) {
      http::async_read_some(stream, buffer, parser,
                            [&](beast::error_code ec, std::size_t) { error = ec; });
      connection.io().restart();
      connection.io().run();
      if (stopped) {
        end = StreamEnd::Stopped;
        return;
      }
      if (error == beast::error::timeout) {
        end = StreamEnd::TimedOut;
        return;
      }
      if (error == http::error::end_of_stream || error == net::error::eof) return;
      if (error)
        throw ClientUnreachable("the event stream from " + url_.host +
                                " broke: " + error.message());
    }
  });
  return end;
}

}  // namespace rollguard::cli
