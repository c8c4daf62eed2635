#include "controller/service/api_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <thread>

#include "controller/service/api_core.hpp"
#include "controller/service/api_session.hpp"
#include "controller/service/log.hpp"

namespace rollguard {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// After a failed accept (out of file descriptors, EMFILE/ENFILE; or out of memory), how long
// before the next try. See Impl::accept_later.
constexpr auto kAcceptRetry = 100ms;

struct ApiServer::Impl {
  RolloutService& service;
  RolloutService& measured;
  ApiOptions options;
  std::unique_ptr<ApiCore> core;  // built by start(), once the tokens are read
  std::optional<net::ssl::context> tls;
  // Declared after `core`: destroyed first, so handlers it drops can still reach the core.
  net::io_context io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;  // on the acceptor's strand
  bool accept_failing = false;                    // logged once per streak of failures
  std::vector<std::thread> threads;
  bool running = false;
  std::vector<ApiRoute> no_routes;

  Impl(RolloutService& s, RolloutService& m, ApiOptions o)
      : service(s), measured(m), options(std::move(o)) {}

  void accept() {
    acceptor->async_accept(net::make_strand(io),
                           [this](boost::system::error_code ec, tcp::socket socket) {
                             if (ec == net::error::operation_aborted || !acceptor->is_open())
                               return;
                             if (ec && ec != net::error::connection_aborted)
                               return accept_later(ec);
                             accept_failing = false;
                             if (!ec && !core->stopping())
                               start_api_session(*core, std::move(socket), tls ? &*tls : nullptr);
                             accept();
                           });
  }

  // A failed accept leaves the connection in the listen queue, so the listening socket stays
  // readable and an immediate retry fails at once again: at EMFILE that loop spins a core at
  // 100% until a descriptor frees up. Waiting a little (as nginx does) costs the queued
  // clients that delay and nothing else.
  void accept_later(boost::system::error_code ec) {
    if (!accept_failing)
      log_line(LogLevel::Warn, "API cannot accept connections; retrying every 100 ms",
               {{"error", ec.message()}});
    accept_failing = true;
    accept_retry->expires_after(kAcceptRetry);
    accept_retry->async_wait([this](boost::system::error_code ec) {
      if (ec || !acceptor->is_open()) return;
      accept();
    });
  }

  std::optional<std::string> load_tls() {
    if (options.tls_cert.empty() && options.tls_key.empty()) return std::nullopt;
    if (options.tls_cert.empty() || options.tls_key.empty())
      return "TLS needs both --tls-cert and --tls-key";
    try {
      tls.emplace(net::ssl::context::tls_server);
      tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain_file(options.tls_cert);
      tls->use_private_key_file(options.tls_key, net::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      tls.reset();
      return "cannot load the TLS certificate " + options.tls_cert + " and key " + options.tls_key +
             ": " + e.code().message();
    }
    return std::nullopt;
  }
};

ApiServer::ApiServer(RolloutService& service, ApiOptions options, RolloutService* measured)
    : impl_(std::make_unique<Impl>(service, measured ? *measured : service, std::move(options))) {}

ApiServer::~ApiServer() {
  stop();
}

bool ApiServer::stopping() const {
  return impl_->core && impl_->core->stopping();
}

bool ApiServer::tls() const {
  return impl_->tls.has_value();
}

const std::vector<ApiRoute>& ApiServer::routes() const {
  return impl_->core ? impl_->core->router().routes() : impl_->no_routes;
}

std::optional<std::string> ApiServer::start() {
  Impl& s = *impl_;
  if (s.running) return "the API server is already running";
  boost::system::error_code ec;
  const auto address = net::ip::make_address(s.options.address, ec);
  if (ec) return "--listen: \"" + s.options.address + "\" is not an IP address";
  std::optional<TokenTable> tokens;
  if (!s.options.tokens_file.empty()) {
    LoadedTokens loaded = load_tokens_file(s.options.tokens_file);
    if (!loaded.table) {
      std::string text;
      for (const std::string& e : loaded.errors) text += (text.empty() ? "" : "\n") + e;
      return text;
    }
    tokens = std::move(loaded.table);
  } else if (!address.is_loopback()) {
    return "refusing to listen on " + s.options.address +
           " without --tokens: anyone who can reach it could drive rollouts; give a tokens "
           "file or listen on 127.0.0.1";
  }
  if (auto error = s.load_tls()) return error;

  s.acceptor.emplace(net::make_strand(s.io));
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    return "cannot listen on " + s.options.address + ":" + std::to_string(s.options.port) + ": " +
           ec.message();
  }
  port_ = s.acceptor->local_endpoint().port();
  s.accept_retry.emplace(s.acceptor->get_executor());
  s.core = std::make_unique<ApiCore>(s.service, s.measured, s.options, std::move(tokens));
  if (!s.core->router().routes().empty() && s.options.tokens_file.empty())
    log_line(LogLevel::Warn, "no --tokens file: every local caller is an operator",
             {{"listen", s.options.address + ":" + std::to_string(port_)}});
  log_line(LogLevel::Info, "API listening",
           {{"address", s.options.address}, {"port", port_}, {"tls", s.tls.has_value()}});
  s.work.emplace(s.io.get_executor());
  s.accept();
  for (int i = 0; i < std::max(1, s.options.threads); ++i)
    s.threads.emplace_back([&s] { s.io.run(); });
  s.running = true;
  return std::nullopt;
}

bool ApiServer::stop() {
  Impl& s = *impl_;
  if (!s.running) return true;
  s.running = false;
  net::post(s.acceptor->get_executor(), [&s] {
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_retry->cancel();
  });
  const bool clean = s.core->stop_sessions(s.options.shutdown_grace);
  s.core->hub().close();
  s.work.reset();
  s.io.stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  log_line(LogLevel::Info, "API stopped", {{"clean", clean}});
  return clean;
}

}  // namespace rollguard
