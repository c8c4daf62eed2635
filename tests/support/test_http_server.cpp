#include "tests/support/test_http_server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>
#include <optional>

namespace rollguard::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct TestHttpServer::Impl {
  explicit Impl(int threads)
      : io(threads), acceptor(net::make_strand(io)), work(net::make_work_guard(io)) {}

  Route find(const std::string& target) {
    std::string path = target.substr(0, target.find('?'));
    std::lock_guard lock(mutex);
    auto it = routes.find(path);
    if (it != routes.end()) return it->second;
    // "/cart/*" serves every path below /cart/; of several prefixes, the longest.
    const Route* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [key, route] : routes) {
      const std::string prefix = key.substr(0, key.size() - 1);
      if (key.ends_with('*') && path.starts_with(prefix) &&
          (!best || prefix.size() > best_length)) {
        best = &route;
        best_length = prefix.size();
      }
    }
    if (best) return *best;
    Route none;
    none.reply = {404, "no route for " + path, {}};
    return none;
  }

  net::io_context io;
  tcp::acceptor acceptor;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::mutex mutex;
  std::map<std::string, Route> routes;
  std::vector<ServerRequest> log;
  std::vector<std::function<void()>> holds;  // each releases one held request
  std::atomic<int> accepted{0};
  std::atomic<int> requests{0};
  std::atomic<int> held{0};
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, TestHttpServer::Impl& server)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), server_(server) {}

  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->on_request();
                     });
  }

 private:
  void on_request() {
    ServerRequest seen;
    seen.method = std::string(request_.method_string());
    seen.target = std::string(request_.target());
    for (const auto& f : request_) {
      std::string name(f.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      seen.headers[name] = std::string(f.value());
    }
    seen.body = request_.body();
    Route route = server_.find(seen.target);
    {
      std::lock_guard lock(server_.mutex);
      server_.log.push_back(seen);
    }
    server_.requests++;
    ServerReply reply = route.handler ? route.handler(seen) : route.reply;
    switch (route.behaviour) {
      case Behaviour::Answer:
        return respond(reply, false);
      case Behaviour::CloseAfterResponse:
        return respond(reply, true);
      case Behaviour::Hang:
        // Keep reading so that the session lives until the client gives up.
        return read();
      case Behaviour::Hold:
        return hold(reply);
      case Behaviour::Reset: {
        beast::error_code ignored;
        stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
        stream_.socket().close(ignored);
        return;
      }
      case Behaviour::Slow:
        timer_.expires_after(route.delay);
        timer_.async_wait([self = shared_from_this(), reply](beast::error_code ec) {
          if (!ec) self->respond(reply, false);
        });
        return;
      case Behaviour::Trickle:
        return trickle(reply, route.delay, std::max<std::size_t>(1, route.trickle_bytes));
      case Behaviour::Garbage: {
        auto bytes = std::make_shared<std::string>("\x16\x03\x01 not http at all\r\n\r\n");
        net::async_write(stream_, net::buffer(*bytes),
                         [self = shared_from_this(), bytes](beast::error_code, std::size_t) {
                           beast::error_code ignored;
                           self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                         });
        return;
      }
    }
  }

  void hold(const ServerReply& reply) {
    timer_.expires_at(net::steady_timer::time_point::max());
    timer_.async_wait([self = shared_from_this(), reply](beast::error_code) {
      self->respond(reply, false);  // cancelled by release_all()
    });
    std::lock_guard lock(server_.mutex);
    server_.holds.push_back([weak = weak_from_this()] {
      if (auto self = weak.lock())
        net::post(self->stream_.get_executor(), [self] { self->timer_.cancel(); });
    });
    server_.held++;
  }

  void prepare(const ServerReply& reply) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(reply.status));
    for (const auto& [name, value] : reply.headers) response_.set(name, value);
    response_.body() = reply.body;
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
  }

  void respond(const ServerReply& reply, bool close_after) {
    prepare(reply);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                        if (!ec) self->next(close_after);
                      });
  }

  // The serializer writes the headers (Content-Length the whole body); the body follows in
  // pieces, as a slow peer or a slow network would send it.
  void trickle(const ServerReply& reply, Duration every, std::size_t piece) {
    prepare(reply);
    serializer_.emplace(response_);
    http::async_write_header(
        stream_, *serializer_,
        [self = shared_from_this(), every, piece](beast::error_code ec, std::size_t) {
          if (ec) return;
          self->sent_ = 0;
          self->trickle_body(every, piece);
        });
  }

  void trickle_body(Duration every, std::size_t piece) {
    if (sent_ >= response_.body().size()) {
      serializer_.reset();
      return next(false);
    }
    timer_.expires_after(every);
    timer_.async_wait([self = shared_from_this(), every, piece](beast::error_code ec) {
      if (ec) return;
      const std::string& body = self->response_.body();
      const std::size_t n = std::min(piece, body.size() - self->sent_);
      net::async_write(self->stream_, net::buffer(body.data() + self->sent_, n),
                       [self, every, piece](beast::error_code ec2, std::size_t written) {
                         if (ec2) return;
                         self->sent_ += written;
                         self->trickle_body(every, piece);
                       });
    });
  }

  // After a whole response: the next request on a kept-alive connection, else a close.
  void next(bool close_after) {
    if (close_after || !response_.keep_alive()) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    read();
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  TestHttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::optional<http::response_serializer<http::string_body>> serializer_;  // for Trickle
  std::size_t sent_ = 0;                                                    // body bytes
};

void accept(TestHttpServer::Impl& server) {
  server.acceptor.async_accept(net::make_strand(server.io),
                               [&server](beast::error_code ec, tcp::socket socket) {
                                 if (ec) return;  // closed at shutdown
                                 server.accepted++;
                                 std::make_shared<Session>(std::move(socket), server)->read();
                                 accept(server);
                               });
}

}  // namespace

TestHttpServer::TestHttpServer(int threads) : impl_(std::make_shared<Impl>(threads)) {
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  port_ = impl_->acceptor.local_endpoint().port();
  accept(*impl_);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([impl = impl_] { impl->io.run(); });
}

TestHttpServer::~TestHttpServer() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : threads_) t.join();
}

void TestHttpServer::route(const std::string& path, Route route) {
  std::lock_guard lock(impl_->mutex);
  impl_->routes[path] = std::move(route);
}

void TestHttpServer::answer(const std::string& path, int status, std::string body) {
  route(path, answering(status, std::move(body)));
}

int TestHttpServer::connections_accepted() const {
  return impl_->accepted.load();
}
int TestHttpServer::requests_received() const {
  return impl_->requests.load();
}

Route answering(int status, std::string body, std::string content_type) {
  Route r;
  r.reply = {status, std::move(body), {}};
  if (!content_type.empty()) r.reply.headers["Content-Type"] = std::move(content_type);
  return r;
}

Route hanging() {
  Route r;
  r.behaviour = Behaviour::Hang;
  return r;
}

Route trickling(ServerReply reply, Duration every, std::size_t bytes) {
  Route r;
  r.behaviour = Behaviour::Trickle;
  r.reply = std::move(reply);
  r.delay = every;
  r.trickle_bytes = bytes;
  return r;
}

int TestHttpServer::requests_held() const {
  return impl_->held.load();
}

void TestHttpServer::release_all() {
  std::vector<std::function<void()>> holds;
  {
    std::lock_guard lock(impl_->mutex);
    holds.swap(impl_->holds);
  }
  for (const auto& release : holds) release();
}

std::vector<ServerRequest> TestHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

}  // namespace rollguard::testing
