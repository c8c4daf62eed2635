#include "health/net/http_client.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <limits>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "health/net/connect.hpp"
#include "health/net/endpoint.hpp"
#include "health/net/net_error.hpp"

namespace rollguard {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// One TCP connection to one endpoint. Its strand serialises the request using it and the
// stream's own timeout handler, whatever thread the io_context runs on. An idle kept-alive
// connection is what `serve` holds per probing rollout (10,000 of them): it keeps no body
// buffer (that belongs to the exchange in flight), only what the socket needs.
struct Connection {
  explicit Connection(const net::any_io_executor& ex) : stream(net::make_strand(ex)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

// Bytes of a body read per step; allocated by the exchange that reads a body, freed with it.
constexpr std::size_t kChunk = 16 * 1024;

// An idle kept-alive socket the peer has since closed (or written unasked-for bytes to) must
// not be reused: the next request would fail for a reason that has nothing to do with it.
bool still_usable(Connection& c) {
  if (!c.stream.socket().is_open() || c.buffer.size() != 0) return false;
  char byte = 0;
  ssize_t n = ::recv(c.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
         method == "DELETE";
}

// The peer closed a reused connection before answering: a stale keep-alive, not a failure of
// the request itself.
bool stale_connection_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

bool is_token(std::string_view s) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  if (s.empty()) return false;
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && kExtra.find(ch) == std::string_view::npos)
      return false;
  return true;
}

bool has_control(std::string_view s, bool allow_space) {
  for (char ch : s) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 && ch != '\t') return true;
    if (byte == 0x7f || (!allow_space && (ch == ' ' || ch == '\t'))) return true;
  }
  return false;
}

// Values reach a request from manifests and from captured responses: a line break in one
// would let it write headers (or a second request) of its own.
std::string invalid_request(const HttpRequest& req) {
  if (!is_token(req.method)) return "invalid HTTP method \"" + req.method + "\"";
  if (req.target.empty() || has_control(req.target, false))
    return "invalid request target \"" + req.target + "\"";
  for (const auto& [name, value] : req.headers) {
    if (!is_token(name)) return "invalid header name \"" + name + "\"";
    if (has_control(value, true)) return "header " + name + " has a control character";
  }
  return {};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::any_io_executor ex, HttpClientOptions opt)
      : executor(std::move(ex)), options(std::move(opt)) {}

  std::unique_ptr<Connection> take_idle(const std::string& endpoint) {
    std::lock_guard lock(mutex);
    auto it = idle.find(endpoint);
    if (it == idle.end()) return nullptr;
    while (!it->second.empty()) {
      auto c = std::move(it->second.back());
      it->second.pop_back();
      if (still_usable(*c)) return c;
      beast::error_code ignored;
      c->stream.socket().close(ignored);
    }
    return nullptr;
  }

  void give_back(const std::string& endpoint, std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(mutex);
      auto& list = idle[endpoint];
      if (!closed && list.size() < options.max_idle_per_endpoint) {
        c->stream.expires_never();
        list.push_back(std::move(c));
        return;
      }
    }
    beast::error_code ignored;
    c->stream.socket().close(ignored);
  }

  void close_all() {
    std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> drop;
    {
      std::lock_guard lock(mutex);
      closed = true;
      drop.swap(idle);
    }
    for (auto& [endpoint, list] : drop)
      for (auto& c : list) {
        beast::error_code ignored;
        c->stream.socket().close(ignored);
      }
  }

  net::any_io_executor executor;
  HttpClientOptions options;
  mutable std::mutex mutex;
  bool closed = false;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
};

namespace {

// One request from start to callback: resolve, connect (or reuse), send, read the header,
// read the body in chunks keeping the first body_limit bytes.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<HttpClient::Impl> client, HttpRequest req,
           std::function<void(HttpResponse)> done)
      : client_(std::move(client)), req_(std::move(req)), done_(std::move(done)) {}

  void start() {
    start_ = client_->options.now();
    deadline_ = std::chrono::steady_clock::now() + req_.timeout;
    auto hp = parse_endpoint(req_.endpoint);
    if (!hp) return fail("invalid endpoint \"" + req_.endpoint + "\" (expected host:port)");
    host_port_ = *hp;
    if (auto problem = invalid_request(req_); !problem.empty()) return fail(problem);
    try {
      build_request();
    } catch (const std::exception& e) {  // Beast's limits on field sizes
      return fail(std::string("cannot build the request: ") + e.what());
    }
    conn_ = client_->take_idle(req_.endpoint);
    if (conn_) {
      reused_ = true;
      // Run on the connection's strand: its previous user may still be unwinding.
      net::post(conn_->stream.get_executor(), [self = shared_from_this()] { self->send(); });
      return;
    }
    connect();
  }

 private:
  void build_request() {
    request_.method_string(req_.method);
    request_.target(req_.target);
    request_.version(11);
    for (const auto& [name, value] : req_.headers) request_.set(name, value);
    if (request_.find(http::field::host) == request_.end()) {
      bool v6 = host_port_.host.find(':') != std::string::npos;
      request_.set(http::field::host, (v6 ? "[" + host_port_.host + "]" : host_port_.host) + ":" +
                                          std::to_string(host_port_.port));
    }
    if (request_.find(http::field::user_agent) == request_.end())
      request_.set(http::field::user_agent, client_->options.user_agent);
    request_.body() = req_.body;
    request_.prepare_payload();
  }

  void connect() {
    conn_ = std::make_unique<Connection>(client_->executor);
    reused_ = false;
    async_connect_to(conn_->stream, host_port_, deadline_,
                     [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec);
    beast::error_code ignored;
    conn_->stream.socket().set_option(tcp::no_delay(true), ignored);
    send();
  }

  void send() {
    conn_->stream.expires_at(deadline_);
    http::async_write(conn_->stream, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->retry_or_fail(ec);
                        self->read_header();
                      });
  }

  void read_header() {
    parser_.emplace();
    // We keep what fits and drop the rest ourselves. (Not boost::none: Boost 1.74 compares a
    // Content-Length against an empty optional and rejects every body.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (req_.method == "HEAD") parser_->skip(true);
    http::async_read_header(conn_->stream, conn_->buffer, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->retry_or_fail(ec);
                              self->on_header();
                            });
  }

  void on_header() {
    const auto& msg = parser_->get();
    result_.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      auto name = field.name_string();
      auto value = field.value();
      result_.headers[lower({name.data(), name.size()})] = std::string(value.data(), value.size());
    }
    if (parser_->is_done()) return finish();
    read_body();
  }

  void read_body() {
    if (!chunk_) chunk_ = std::make_unique_for_overwrite<char[]>(kChunk);
    parser_->get().body().data = chunk_.get();
    parser_->get().body().size = kChunk;
    http::async_read(
        conn_->stream, conn_->buffer, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return fail(ec);
    std::size_t n = kChunk - parser_->get().body().size;
    const auto& opt = client_->options;
    std::size_t room = opt.body_limit - std::min(opt.body_limit, result_.body.size());
    result_.body.append(chunk_.get(), std::min(n, room));
    if (n > room) result_.body_truncated = true;
    body_seen_ += n;
    if (parser_->is_done()) return finish();
    if (body_seen_ > opt.body_limit + opt.discard_limit) {
      keep_alive_ = false;
      return finish();
    }
    read_body();
  }

  void retry_or_fail(beast::error_code ec) {
    bool nothing_received = !parser_ || !parser_->got_some();
    if (reused_ && nothing_received && stale_connection_error(ec) && idempotent(req_.method) &&
        std::chrono::steady_clock::now() < deadline_) {
      beast::error_code ignored;
      conn_->stream.socket().close(ignored);
      parser_.reset();
      return connect();
    }
    fail(ec);
  }

  void fail(beast::error_code ec) { fail(describe_net_error(ec, req_.timeout)); }

  void fail(std::string reason) {
    result_.error = std::move(reason);
    result_.status = 0;
    if (conn_) {
      beast::error_code ignored;
      conn_->stream.socket().close(ignored);
      conn_.reset();
    }
    complete();
  }

  void finish() {
    bool reusable = keep_alive_ && parser_->get().keep_alive() && parser_->is_done();
    if (reusable)
      client_->give_back(req_.endpoint, std::move(conn_));
    else {
      beast::error_code ignored;
      conn_->stream.socket().close(ignored);
      conn_.reset();
    }
    complete();
  }

  void complete() {
    result_.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(client_->options.now() - start_);
    auto done = std::move(done_);
    done(std::move(result_));
  }

  std::shared_ptr<HttpClient::Impl> client_;
  HttpRequest req_;
  std::function<void(HttpResponse)> done_;
  HostPort host_port_;
  std::unique_ptr<Connection> conn_;
  bool reused_ = false;
  bool keep_alive_ = true;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point deadline_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  std::unique_ptr<char[]> chunk_;  // the body's bytes as read; only when there is a body
  std::size_t body_seen_ = 0;
  HttpResponse result_;
};

}  // namespace

HttpClient::HttpClient(net::any_io_executor executor, HttpClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

HttpClient::~HttpClient() {
  impl_->close_all();
}

void HttpClient::request(HttpRequest request, std::function<void(HttpResponse)> done) {
  auto exchange = std::make_shared<Exchange>(impl_, std::move(request), std::move(done));
  // Never start inline: `done` must not run inside this call, even for an invalid endpoint.
  net::post(impl_->executor, [exchange] { exchange->start(); });
}

net::any_io_executor HttpClient::executor() const {
  return impl_->executor;
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (const auto& [endpoint, list] : impl_->idle) n += list.size();
  return n;
}

}  // namespace rollguard
