#include "controller/routers/builtin/proxy/session.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace rollguard {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// How long a refused client's remaining bytes are read and dropped before the close.
constexpr Duration kLingerTime = 2s;

}  // namespace

Session::Session(Worker& worker, Socket socket)
    : worker_(worker),
      core_(worker.core()),
      options_(worker.core().options()),
      client_(std::move(socket)) {}

Session::~Session() {
  worker_.remove(this);
  set_busy(false);
}

void Session::start() {
  worker_.add(this);
  beast::error_code ec;
  const auto peer = client_.remote_endpoint(ec);
  if (!ec) client_ip_ = peer.address().to_string();
  client_.set_option(tcp::no_delay(true), ec);
  read_header();
}

void Session::on_drain() {
  beast::error_code ignored;
  if (idle_) client_.close(ignored);
}

void Session::check_deadlines(SteadyTime now) {
  beast::error_code ignored;
  if (now >= client_deadline_) {
    client_deadline_ = SteadyTime::max();
    client_.close(ignored);  // pending client I/O ends with operation_aborted
  }
  if (now >= upstream_deadline_ && upstream_) {
    upstream_deadline_ = SteadyTime::max();
    upstream_timed_out_ = true;
    upstream_->close(ignored);
  }
}

void Session::close() {
  beast::error_code ignored;
  client_deadline_ = SteadyTime::max();
  client_.shutdown(tcp::socket::shutdown_send, ignored);
  client_.close(ignored);
}

void Session::set_busy(bool busy) {
  if (busy == busy_) return;
  busy_ = busy;
  if (busy)
    core_.begin_request();
  else
    core_.end_request();
}

Duration Session::elapsed() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started_);
}

void Session::wait_request() {
  if (core_.draining()) return close();
  if (buffer_.size() > 0) return read_header();  // pipelined: the next request is here
  // A kept-alive connection may sit quietly for idleTimeout; the header timeout starts with
  // the first byte of the next request.
  idle_ = true;
  client_deadline(options_.idleTimeout);
  client_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->buffer_.commit(n);
                            if (ec) return self->close();
                            self->read_header();
                          });
}

void Session::read_header() {
  idle_ = first_request_;  // the first request has not shown it is a request yet
  parser_.emplace();
  limit_client_request(*parser_, options_);
  client_deadline(options_.headerTimeout);
  http::async_read_header(
      client_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec) {
  first_request_ = false;
  if (ec) {
    if (const auto refusal = refusal_after_header_error(ec))
      return reject(refusal->status, refusal->reason);
    return close();
  }
  idle_ = false;
  set_busy(true);
  if (wants_continue(*parser_)) {
    client_deadline(options_.idleTimeout);
    return net::async_write(client_, net::buffer(kContinue.data(), kContinue.size()),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->read_body();
                            });
  }
  if (parser_->is_done()) return on_request({});
  read_body();
}

void Session::read_body() {
  client_deadline(options_.idleTimeout);
  http::async_read(
      client_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

void Session::on_request(beast::error_code ec) {
  if (ec) {
    if (const auto refusal = refusal_after_body_error(ec))
      return reject(refusal->status, refusal->reason);
    return close();
  }
  client_deadline_ = SteadyTime::max();
  request_ = parser_->release();
  client_version_ = request_.version();
  client_keep_alive_ = request_.keep_alive();
  head_ = request_.method() == http::verb::head;
  route();
}

void Session::route() {
  const bool preview = request_.find(beast::string_view(options_.previewHeader)) != request_.end();
  choice_ = worker_.route(preview);
  started_ = std::chrono::steady_clock::now();
  if (!choice_.target) {
    core_.record(choice_.role, 0, Duration{0}, true);
    auto res = router_response(http::status::service_unavailable, client_version_,
                               client_keep_alive_, "no backend for this route");
    set_role_header(res, choice_.role);
    return reply(std::move(res));
  }
  prepare_upstream_request(request_, client_ip_);
  ensure_host(request_, choice_.target->endpoint);
  // One deadline covers connect, send and the whole response, however many steps it takes.
  upstream_deadline_ = started_ + options_.upstreamTimeout;
  upstream_timed_out_ = false;
  retried_ = false;
  if (auto idle = worker_.take_idle(choice_.target->id)) {
    upstream_.emplace(std::move(*idle));
    reused_ = true;
    return send_upstream();
  }
  connect_upstream();
}

void Session::connect_upstream() {
  reused_ = false;
  upstream_.emplace(worker_.io().get_executor());
  upstream_->async_connect(choice_.target->endpoint,
                           [self = shared_from_this()](beast::error_code ec) {
                             if (ec) return self->retry_or_fail();
                             beast::error_code ignored;
                             self->upstream_->set_option(tcp::no_delay(true), ignored);
                             self->send_upstream();
                           });
}

void Session::send_upstream() {
  http::async_write(*upstream_, request_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->on_upstream_sent(ec);
                    });
}

void Session::on_upstream_sent(beast::error_code ec) {
  if (ec) return retry_or_fail();
  upstream_buffer_.clear();
  upstream_parser_.emplace();
  limit_upstream_response(*upstream_parser_, options_, head_);
  // The header on its own first: Boost 1.74's parser, reading a response whole (eager), goes on
  // past a Content-Length over the body limit when more bytes follow the header, and reserves
  // that length (std::bad_alloc out of the handler for a terabyte). Read alone, the header
  // ends with error::body_limit (fuzz/corpus/router_request/finding-*).
  http::async_read_header(*upstream_, upstream_buffer_, *upstream_parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            self->on_upstream_header(ec);
                          });
}

void Session::on_upstream_header(beast::error_code ec) {
  if (ec || upstream_parser_->is_done()) return on_upstream_response(ec);
  http::async_read(*upstream_, upstream_buffer_, *upstream_parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->on_upstream_response(ec);
                   });
}

void Session::retry_or_fail() {
  const bool nothing_back = !upstream_parser_ || !upstream_parser_->got_some();
  upstream_.reset();
  upstream_parser_.reset();
  const bool timed_out = upstream_timed_out_;
  if (reused_ && !retried_ && nothing_back && !timed_out) {
    retried_ = true;
    return connect_upstream();
  }
  upstream_deadline_ = SteadyTime::max();
  core_.record(choice_.role, 0, elapsed(), true);
  auto res = router_response(timed_out ? http::status::gateway_timeout : http::status::bad_gateway,
                             client_version_, client_keep_alive_,
                             timed_out ? "upstream timed out" : "upstream connection failed");
  set_role_header(res, choice_.role);
  reply(std::move(res));
}

void Session::on_upstream_response(beast::error_code ec) {
  if (ec) return retry_or_fail();
  const auto latency = elapsed();
  upstream_deadline_ = SteadyTime::max();
  const bool reusable =
      upstream_parser_->keep_alive() && upstream_buffer_.size() == 0 && !core_.draining();
  ProxyResponse res = upstream_parser_->release();
  upstream_parser_.reset();
  if (reusable) {
    worker_.give_back(choice_.target->id, std::move(*upstream_));
  }
  upstream_.reset();
  core_.record(choice_.role, res.result_int(), latency, false);
  prepare_client_response(res, choice_.role, client_version_, client_keep_alive_, head_);
  reply(std::move(res));
}

void Session::reply(ProxyResponse response) {
  response_ = std::move(response);
  request_ = {};
  const bool keep_alive = response_.keep_alive() && !core_.draining();
  response_.keep_alive(keep_alive);
  client_deadline(options_.idleTimeout);
  http::async_write(client_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->on_written(ec, keep_alive);
                    });
}

void Session::on_written(beast::error_code ec, bool keep_alive) {
  response_ = {};
  set_busy(false);
  if (!ec && linger_) return linger();
  if (ec || !keep_alive) return close();
  wait_request();
}

// After the answer to a refused request (431, 413, 400) whose bytes were not all read: a close
// with unread data makes the kernel send a reset, and a reset that arrives before the client
// has read the answer destroys it (the client sees "connection reset" instead of the 431).
// So: stop sending, read and drop what the client still sends until it closes or
// kLingerTime has passed (an absolute deadline: a client that keeps sending is cut off),
// then close.
void Session::linger() {
  idle_ = true;  // nothing more is owed to this client: a drain closes it at once
  beast::error_code ignored;
  client_.shutdown(tcp::socket::shutdown_send, ignored);
  client_deadline(kLingerTime);
  discard();
}

void Session::discard() {
  buffer_.clear();
  client_.async_read_some(buffer_.prepare(16 * 1024),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->close();
                            self->discard();
                          });
}

void Session::reject(http::status status, std::string_view reason) {
  // The rest of the request is unread, so the connection cannot carry another one.
  idle_ = false;
  linger_ = true;
  set_busy(true);
  reply(router_response(status, parser_ ? parser_->get().version() : 11, false, reason));
}

}  // namespace rollguard
