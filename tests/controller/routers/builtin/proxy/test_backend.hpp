#pragma once
// A real HTTP backend for router tests: answers with its name, echoes what the router sent,
// counts the connections it accepted, and can hold a request until the test releases it.
//   /hold          -> answers only after release_all()
//   /status/<n>    -> answers with status n
//   /drop-idle     -> answers (claiming keep-alive), then closes the connection anyway
#include <atomic>
#include <list>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rollguard::testing {

namespace rb_beast = boost::beast;
namespace rb_http = boost::beast::http;
namespace rb_net = boost::asio;

class TestBackend {
 public:
  explicit TestBackend(std::string name) : name_(std::move(name)), acceptor_(io_) {
    using tcp = rb_net::ip::tcp;
    tcp::endpoint ep(rb_net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(rb_net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestBackend() {
    io_.stop();
    thread_.join();
  }

  unsigned short port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  int held() const { return held_.load(); }
  void release_all() {
    rb_net::post(io_, [this] {
      for (auto& t : holds_) t->cancel();
      holds_.clear();
    });
  }

 private:
  struct Conn : std::enable_shared_from_this<Conn> {
    Conn(TestBackend& b, rb_net::ip::tcp::socket s) : backend(b), stream(std::move(s)) {}
    void read() {
      req = {};
      rb_http::async_read(stream, buffer, req,
                          [self = shared_from_this()](rb_beast::error_code ec, std::size_t) {
                            if (ec) return;
                            self->on_request();
                          });
    }
    void on_request() {
      backend.requests_++;
      const std::string target(req.target());
      if (target == "/hold") {
        auto timer = std::make_shared<rb_net::steady_timer>(stream.get_executor());
        timer->expires_at(rb_net::steady_timer::time_point::max());
        backend.holds_.push_back(timer);
        backend.held_++;
        timer->async_wait([self = shared_from_this(), timer](rb_beast::error_code) {
          self->respond(200, false);
        });
        return;
      }
      if (target.rfind("/status/", 0) == 0) return respond(std::stoi(target.substr(8)), false);
      respond(200, target == "/drop-idle");
    }
    void respond(int status, bool drop) {
      res = {static_cast<rb_http::status>(status), 11};
      res.body() = backend.name_;
      auto echo = [&](rb_beast::string_view name, rb_beast::string_view from) {
        const auto it = req.find(from);
        if (it != req.end()) res.set(name, it->value());
      };
      echo("X-Echo-Host", "Host");
      echo("X-Echo-XFF", "X-Forwarded-For");
      echo("X-Echo-Client-Hop", "X-Client-Hop");
      echo("X-Echo-Keep-Alive", "Keep-Alive");
      res.set("X-Echo-Body-Size", std::to_string(req.body().size()));
      // Hop-by-hop headers the router must not pass on.
      res.set(rb_http::field::connection, "X-Backend-Hop");
      res.set("X-Backend-Hop", "yes");
      res.set(rb_http::field::keep_alive, "timeout=30");
      res.prepare_payload();
      rb_http::async_write(
          stream, res, [self = shared_from_this(), drop](rb_beast::error_code ec, std::size_t) {
            if (ec) return;
            if (drop) {
              rb_beast::error_code ignored;
              self->stream.socket().shutdown(rb_net::ip::tcp::socket::shutdown_both, ignored);
              return;
            }
            self->read();
          });
    }
    TestBackend& backend;
    rb_beast::tcp_stream stream;
    rb_beast::flat_buffer buffer;
    rb_http::request<rb_http::string_body> req;
    rb_http::response<rb_http::string_body> res;
  };

  void accept() {
    acceptor_.async_accept([this](rb_beast::error_code ec, rb_net::ip::tcp::socket s) {
      if (ec) return;
      connections_++;
      std::make_shared<Conn>(*this, std::move(s))->read();
      accept();
    });
  }

  std::string name_;
  rb_net::io_context io_;
  rb_net::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> held_{0};
  std::list<std::shared_ptr<rb_net::steady_timer>> holds_;
  std::thread thread_;
};

}  // namespace rollguard::testing
