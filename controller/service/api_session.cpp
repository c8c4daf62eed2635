#include "controller/service/api_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>

#include "controller/service/api_error.hpp"
#include "controller/service/api_json.hpp"
#include "health/net/request_parsing.hpp"

namespace rollguard {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxQueuedFrames = 10000;  // a stream this far behind is dropped

// A live event carries the rollout's status after it; one from the history does not.
std::string sse_frame(const StoredEvent& e, const RolloutStatus* status) {
  nlohmann::json data = event_json(e);
  if (status) data["status"] = status_json(*status, false);
  return "id: " + std::to_string(e.seq) + "\nevent: " + std::string(to_string(e.event.kind)) +
         "\ndata: " + data.dump() + "\n\n";
}

template <class Stream>
class Session final : public ApiSessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(ApiCore& core, Stream stream)
      : core_(core), stream_(std::move(stream)), heartbeat_(stream_.get_executor()) {}

  ~Session() override {
    if (id_) core_.remove_session(id_);
  }

  void start() {
    id_ = core_.add_session(this->weak_from_this());
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->lowest().expires_after(self->core_.options().header_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->close();
          self->wait_request();
        });
      } else {
        self->wait_request();
      }
    });
  }

  void stop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->on_stop(); });
  }

 private:
  enum class State { Handshake, Idle, Busy, Streaming, Closed };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void on_stop() {
    if (state_ == State::Idle || state_ == State::Handshake) return close();
    if (state_ == State::Streaming) return finish_stream();
    // Busy: the response is written without keep-alive, then the connection closes.
  }

  void wait_request() {
    state_ = State::Idle;
    if (core_.stopping()) return close();
    if (buffer_.size() > 0) return read_header();
    // The first request's headers are due within header_timeout of the accept (of the TLS
    // handshake): a connection that never sends a byte is the cheapest slowloris, and under
    // idle_timeout it would be held six times longer than one that trickles. Between requests
    // on a kept-alive connection, idle_timeout.
    lowest().expires_after(served_ ? core_.options().idle_timeout : core_.options().header_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec || self->state_ == State::Closed) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    state_ = State::Busy;
    parser_.emplace();
    parser_->header_limit(kApiHeaderLimit);
    parser_->field_limit(kApiHeaderFieldLimit);
    parser_->body_limit(core_.options().body_limit);
    lowest().expires_after(core_.options().header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    started_ = SteadyClock::now();
    if (ec == http::error::body_limit) return reject(413, "PayloadTooLarge", body_limit_text());
    if (ec == http::error::header_limit)
      return reject(431, "HeadersTooLarge",
                    "the request headers are over the limit of " +
                        std::to_string(kApiHeaderLimit / 1024) + " KiB or " +
                        std::to_string(kApiHeaderFieldLimit) + " fields");
    if (ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted)
      return close();
    if (ec) return reject(400, "MalformedRequest", "not a valid HTTP/1.1 request: " + ec.message());
    const auto& header = parser_->get();
    if (const auto length = parser_->content_length();
        length && *length > core_.options().body_limit)
      return reject(413, "PayloadTooLarge", body_limit_text());
    lowest().expires_after(core_.options().request_timeout);
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue),
                       [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_request(ec);
                     });
  }

  std::string body_limit_text() const {
    return "the request body is over the limit of " + std::to_string(core_.options().body_limit) +
           " bytes";
  }

  void on_request(beast::error_code ec) {
    if (ec == http::error::body_limit) return reject(413, "PayloadTooLarge", body_limit_text());
    // Broken chunked framing is the client's mistake, not its departure: a 400 that says so,
    // as for a malformed header, rather than a connection closed without a word.
    if (is_malformed_message(ec))
      return reject(400, "MalformedRequest",
                    "the request body is not valid HTTP/1.1: " + ec.message());
    if (ec) return close();
    auto& request = parser_->get();
    method_ = std::string(request.method_string());
    version_ = request.version();
    IncomingRequest in{method_,
                       std::string(request.target()),
                       std::string(request[http::field::authorization]),
                       std::string(request[http::field::content_type]),
                       std::string(request["Last-Event-ID"]),
                       std::move(request.body())};
    const bool keep_alive = request.keep_alive();
    handled_ = core_.handle(std::move(in));
    if (handled_.reply.watch && handled_.reply.status == 200) return start_stream();
    respond(keep_alive);
  }

  void reject(int status, const char* code, const std::string& message) {
    method_ = parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string())
                                                   : "UNKNOWN";
    handled_ = HandledRequest{};
    handled_.reply = ApiReply{status, error_body(code, message), "application/json", {}, 0};
    respond(false, true);  // the body was not read: the connection cannot be reused
  }

  void respond(bool keep_alive, bool unread_body = false) {
    keep_alive = keep_alive && !core_.stopping();
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(handled_.reply.status), version_);
    response->set(http::field::server, "rollguard");
    response->set(http::field::content_type, handled_.reply.content_type);
    if (handled_.reply.status == 401)
      response->set(http::field::www_authenticate, "Bearer realm=\"rollguard\"");
    response->body() = std::move(handled_.reply.body);
    response->keep_alive(keep_alive);
    response->prepare_payload();
    lowest().expires_after(core_.options().request_timeout);
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response, keep_alive, unread_body](
                          beast::error_code ec, std::size_t) {
                        self->core_.record(self->method_, self->handled_, response->result_int(),
                                           SteadyClock::now() - self->started_);
                        self->served_ = true;
                        if (!ec && unread_body) return self->linger_close();
                        if (ec || !keep_alive) return self->close();
                        self->wait_request();
                      });
  }

  // After an answer to a request whose body was not read: closing at once would make the
  // kernel reset the connection (unread data) and the client could lose the answer. Stop
  // sending, discard what the client still sends for a moment, then close.
  void linger_close() {
    beast::error_code ignored;
    lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    lowest().expires_after(std::chrono::seconds(2));
    discard();
  }

  void discard() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->state_ == State::Closed) return self->close();
                              self->discard();
                            });
  }

  // ---- Server-Sent Events ----

  void start_stream() {
    state_ = State::Streaming;
    core_.record(method_, handled_, 200, SteadyClock::now() - started_);
    const std::string rollout = *handled_.reply.watch;
    last_seq_ = handled_.reply.watch_after;
    std::weak_ptr<Session> weak = this->shared_from_this();
    auto executor = stream_.get_executor();
    // Watch before reading the history: an event stored in between arrives twice and the
    // second copy is dropped by its seq.
    watch_id_ = core_.hub().watch(
        rollout, [weak, executor](const StoredEvent& e, const RolloutStatus& status) {
          if (auto self = weak.lock())
            net::post(executor, [self, frame = sse_frame(e, &status), seq = e.seq]() mutable {
              self->on_frame(seq, std::move(frame));
            });
        });
    lowest().expires_never();
    auto header = std::make_shared<http::response<http::empty_body>>(http::status::ok, version_);
    header->set(http::field::server, "rollguard");
    header->set(http::field::content_type, "text/event-stream");
    header->set(http::field::cache_control, "no-cache");
    header->keep_alive(false);
    header->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    writing_ = true;
    http::async_write_header(
        stream_, *serializer,
        [self = this->shared_from_this(), header, serializer](beast::error_code ec, std::size_t) {
          self->writing_ = false;
          if (ec) return self->close();
          self->write_next();
        });
    for (const StoredEvent& e : core_.service().history(rollout, last_seq_))
      on_frame(e.seq, sse_frame(e, nullptr));
    schedule_heartbeat();
    watch_peer();
  }

  void on_frame(std::int64_t seq, std::string frame) {
    if (state_ != State::Streaming || finishing_ || seq <= last_seq_) return;
    last_seq_ = seq;
    enqueue(std::move(frame));
  }

  void enqueue(std::string frame) {
    if (frames_.size() >= kMaxQueuedFrames) return close();
    frames_.push_back(std::move(frame));
    write_next();
  }

  void write_next() {
    if (writing_ || frames_.empty() || state_ == State::Closed) return;
    writing_ = true;
    auto done = [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      const bool last = self->frames_.front().empty();
      self->frames_.pop_front();
      if (ec || last) return self->close();
      self->write_next();
    };
    if (frames_.front().empty())  // the end of the stream
      net::async_write(stream_, http::make_chunk_last(), std::move(done));
    else
      net::async_write(stream_, http::make_chunk(net::buffer(frames_.front())), std::move(done));
  }

  void schedule_heartbeat() {
    heartbeat_.expires_after(core_.options().sse_heartbeat);
    heartbeat_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->state_ != State::Streaming || self->finishing_) return;
      self->enqueue(": ping\n\n");
      self->schedule_heartbeat();
    });
  }

  // A client does not talk on an event stream: anything read, or the end, closes it.
  void watch_peer() {
    stream_.async_read_some(buffer_.prepare(512),
                            [self = this->shared_from_this()](beast::error_code, std::size_t) {
                              if (self->state_ == State::Streaming && !self->finishing_)
                                self->close();
                            });
  }

  void finish_stream() {
    if (finishing_) return;
    finishing_ = true;
    frames_.push_back({});
    write_next();
  }

  void close() {
    if (state_ == State::Closed) return;
    state_ = State::Closed;
    if (watch_id_) core_.hub().unwatch(watch_id_);
    watch_id_ = 0;
    heartbeat_.cancel();
    beast::error_code ignored;
    lowest().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  ApiCore& core_;
  Stream stream_;
  net::steady_timer heartbeat_;
  std::uint64_t id_ = 0;
  State state_ = kTls ? State::Handshake : State::Idle;
  beast::flat_buffer buffer_;
  std::optional<FieldLimitedRequestParser<http::string_body>> parser_;
  bool served_ = false;  // a response went out: the connection is kept alive between requests
  std::string method_ = "UNKNOWN";
  unsigned version_ = 11;
  HandledRequest handled_;
  SteadyClock::time_point started_ = SteadyClock::now();
  // Event stream
  std::uint64_t watch_id_ = 0;
  std::int64_t last_seq_ = 0;
  std::deque<std::string> frames_;  // an empty frame is the last chunk
  bool writing_ = false;
  bool finishing_ = false;
};

}  // namespace

void start_api_session(ApiCore& core, net::ip::tcp::socket socket, net::ssl::context* tls) {
  if (tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    std::make_shared<Session<TlsStream>>(core,
                                         TlsStream(beast::tcp_stream(std::move(socket)), *tls))
        ->start();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(core, beast::tcp_stream(std::move(socket)))
        ->start();
  }
}

}  // namespace rollguard
