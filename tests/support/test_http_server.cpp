#include "tests/support/test_http_server.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>

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
    for (const auto& [key, route] : routes)  // "/cart/*" serves every path below /cart/
      if (key.ends_with('*') && path.starts_with(key.substr(0, key.size() - 1))) return route;
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
  std::atomic<int> accepted{0};
  std::atomic<int> requests{0};
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

  void respond(const ServerReply& reply, bool close_after) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(reply.status));
    for (const auto& [name, value] : reply.headers) response_.set(name, value);
    response_.body() = reply.body;
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (close_after || !self->response_.keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                          return;
                        }
                        self->read();
                      });
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  TestHttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
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
  Route r;
  r.reply = {status, std::move(body), {}};
  route(path, std::move(r));
}

int TestHttpServer::connections_accepted() const {
  return impl_->accepted.load();
}
int TestHttpServer::requests_received() const {
  return impl_->requests.load();
}

std::vector<ServerRequest> TestHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

}  // namespace rollguard::testing
