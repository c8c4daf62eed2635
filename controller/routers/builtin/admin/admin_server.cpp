#include "controller/routers/builtin/admin/admin_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "controller/routers/builtin/proxy/route_table.hpp"

namespace rollguard {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(tcp::socket socket, RouterAdmin& admin, const AdminServerOptions& options)
      : stream_(std::move(socket)), admin_(admin), options_(options) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    stream_.expires_after(options_.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return reply(
          413,
          admin_error_body("PayloadTooLarge",
                           "the body is over " + std::to_string(options_.body_limit) + " bytes"),
          {}, false);
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return reply(400, admin_error_body("BadRequest", "unreadable request: " + ec.message()), {},
                     false);
      return close();
    }
    const auto& req = parser_->get();
    AdminRequest request{std::string(req.method_string()), std::string(req.target()),
                         std::string(req[http::field::content_type]), req.body()};
    AdminReply answer = admin_.handle(request);
    reply(answer.status, std::move(answer.body), std::move(answer.allow), req.keep_alive());
  }

  void reply(int status, std::string body, std::string allow, bool keep_alive) {
    auto res =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    res->set(http::field::server, "rollguard-router");
    res->set(http::field::content_type, "application/json");
    if (!allow.empty()) res->set(http::field::allow, allow);
    res->keep_alive(keep_alive);
    res->body() = std::move(body);
    res->prepare_payload();
    stream_.expires_after(options_.request_timeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  RouterAdmin& admin_;
  const AdminServerOptions& options_;
};

}  // namespace

struct AdminServer::Impl {
  Impl(RouterAdmin& a, AdminServerOptions o) : admin(a), options(std::move(o)) {}

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<AdminSession>(std::move(s), admin, options)->read();
      accept();
    });
  }

  RouterAdmin& admin;
  AdminServerOptions options;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

AdminServer::AdminServer(RouterAdmin& admin, AdminServerOptions options)
    : impl_(std::make_unique<Impl>(admin, std::move(options))) {}

AdminServer::~AdminServer() {
  stop();
}

std::optional<std::string> AdminServer::start() {
  const auto resolved = resolve_endpoint(impl_->options.listen);
  if (const auto* error = std::get_if<std::string>(&resolved)) return *error;
  const tcp::endpoint endpoint = std::get<tcp::endpoint>(resolved);
  beast::error_code ec;
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + impl_->options.listen + ": " + ec.message();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return std::nullopt;
}

void AdminServer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->io.stop();  // sessions go with their handlers, unrun
  impl_->thread.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace rollguard
