#include "health/support/local_http_server.hpp"

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace rollguard::provider_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct LocalHttpServer::Impl {
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  mutable std::mutex mutex;
  std::vector<SeenRequest> seen;

  struct Session : std::enable_shared_from_this<Session> {
    Impl& server;
    tcp::socket socket;
    asio::steady_timer timer{socket.get_executor()};
    std::string raw;  // a trickled response, sent byte by byte
    std::size_t sent = 0;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    Session(Impl& s, tcp::socket sock) : server(s), socket(std::move(sock)) {}

    void read() {
      request = {};
      http::async_read(socket, buffer, request,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (!ec) self->answer();
                       });
    }

    void answer() {
      SeenRequest seen{std::string(request.target()), {}};
      for (const auto& field : request) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        seen.headers[name] = std::string(field.value());
      }
      {
        std::lock_guard lock(server.mutex);
        server.seen.push_back(seen);
      }
      const CannedResponse canned = server.handler(seen);
      if (canned.hang) {
        // Wait for more bytes that never come: the session lives until the client gives up
        // or the server stops.
        read();
        return;
      }
      if (canned.trickle_ms > 0) {
        raw = "HTTP/1.1 " + std::to_string(canned.status) +
              " Trickle\r\nContent-Type: " + canned.content_type +
              "\r\nContent-Length: " + std::to_string(canned.body.size()) + "\r\n\r\n";
        const std::size_t header = raw.size();
        raw += canned.body;
        asio::async_write(socket, asio::buffer(raw.data(), header),
                          [self = shared_from_this(), header, ms = canned.trickle_ms,
                           piece = std::max<std::size_t>(1, canned.trickle_bytes)](
                              beast::error_code ec, std::size_t) {
                            if (ec) return;
                            self->sent = header;
                            self->trickle(ms, piece);
                          });
        return;
      }
      response = {};
      response.version(request.version());
      response.result(static_cast<unsigned>(canned.status));
      response.set(http::field::content_type, canned.content_type);
      response.keep_alive(request.keep_alive());
      response.body() = canned.body;
      response.prepare_payload();
      http::async_write(socket, response,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (!ec && self->response.keep_alive()) self->read();
                        });
    }

    void trickle(int ms, std::size_t piece) {
      if (sent >= raw.size()) return;
      timer.expires_after(std::chrono::milliseconds(ms));
      timer.async_wait([self = shared_from_this(), ms, piece](beast::error_code ec) {
        if (ec) return;
        const std::size_t n = std::min(piece, self->raw.size() - self->sent);
        asio::async_write(self->socket, asio::buffer(self->raw.data() + self->sent, n),
                          [self, ms, piece](beast::error_code ec2, std::size_t written) {
                            if (ec2) return;
                            self->sent += written;
                            self->trickle(ms, piece);
                          });
      });
    }
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(socket))->read();
      accept();
    });
  }
};

LocalHttpServer::LocalHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

LocalHttpServer::~LocalHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::vector<SeenRequest> LocalHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->seen;
}

unsigned short free_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace rollguard::provider_test
