#include "tools/demo_app/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>

namespace rollguard::demo {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// A router may keep pooled connections idle for a while; a minute is longer than any pool here.
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kBodyLimit = 64 * 1024;

Duration since(Session::SteadyTime from) {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - from);
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, DemoApp& app, SteadyTime started,
                 const std::atomic<bool>& stopping)
    : stream_(std::move(socket)),
      delay_(stream_.get_executor()),
      app_(app),
      started_(started),
      stopping_(stopping) {}

void Session::start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void Session::stop() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_) self->stream_.cancel();
  });
}

void Session::read() {
  busy_ = false;
  if (stopping_) return close();
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  stream_.expires_after(kIdleTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(beast::error_code ec) {
  // End of stream, timeout, cancellation by stop() or a malformed request: hang up.
  if (ec) return close();
  busy_ = true;
  arrived_ = std::chrono::steady_clock::now();
  request_ = parser_->release();
  if (app_.reset_connection(request_, since(started_))) return reset();
  const Duration delay = app_.admit(request_);
  if (delay <= 0ms) return respond();
  delay_.expires_after(delay);
  delay_.async_wait([self = shared_from_this()](beast::error_code) { self->respond(); });
}

void Session::respond() {
  try {
    response_ = app_.handle(request_, since(started_), since(arrived_));
  } catch (const std::exception& e) {
    response_ = Response{http::status::internal_server_error, request_.version()};
    response_.set(http::field::content_type, "text/plain");
    response_.body() = std::string("internal error: ") + e.what() + "\n";
  }
  const bool keep_alive = request_.keep_alive() && !stopping_;
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  stream_.expires_after(kWriteTimeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->on_write(ec, keep_alive);
                    });
}

void Session::on_write(beast::error_code ec, bool keep_alive) {
  if (ec || !keep_alive) return close();
  read();
}

void Session::reset() {
  busy_ = false;
  beast::error_code ignored;
  stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);  // close sends RST
  stream_.socket().close(ignored);
}

void Session::close() {
  busy_ = false;
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace rollguard::demo
