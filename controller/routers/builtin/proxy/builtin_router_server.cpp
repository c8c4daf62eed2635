#include "controller/routers/builtin/proxy/builtin_router_server.hpp"

#include <future>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "controller/routers/builtin/proxy/router_core.hpp"
#include "controller/routers/builtin/proxy/session.hpp"
#include "controller/routers/builtin/proxy/worker.hpp"

namespace rollguard {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// After a failed accept (the process is out of file descriptors, EMFILE/ENFILE; or out of
// memory), how long before the next try. See Impl::accept_later.
constexpr auto kAcceptRetry = 100ms;
}  // namespace

class BuiltinRouterServer::Impl {
 public:
  Impl(RouterOptions options, const Clock& clock, OutcomeSink& sink)
      : core(std::move(options), clock, sink) {
    const int n = std::max(1, core.options().threads);
    for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>(core));
  }

  std::optional<std::string> listen(unsigned short& port) {
    auto where = resolve_endpoint(core.options().listen);
    if (auto* error = std::get_if<std::string>(&where)) return "listen " + *error;
    const auto endpoint = std::get<tcp::endpoint>(where);
    acceptor.emplace(workers[0]->io());
    boost::system::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      acceptor.reset();
      return "listen on " + core.options().listen + ": " + ec.message();
    }
    port = acceptor->local_endpoint().port();
    accept_retry.emplace(workers[0]->io());
    accept();
    for (auto& w : workers) w->run();
    running = true;
    return std::nullopt;
  }

  void accept() {
    Worker& target = *workers[next_worker++ % workers.size()];
    acceptor->async_accept(target.io(),
                           [this, &target](boost::system::error_code ec, Socket socket) {
                             if (ec == net::error::operation_aborted || !acceptor->is_open())
                               return;
                             if (ec && ec != net::error::connection_aborted) return accept_later();
                             if (ec) return accept();  // that client gave up; the next one
                             net::post(target.io(), [&target, s = std::move(socket)]() mutable {
                               if (target.core().draining()) return;
                               std::make_shared<Session>(target, std::move(s))->start();
                             });
                             accept();
                           });
  }

  // A failed accept leaves the connection in the listen queue, so the listening socket stays
  // readable and an immediate retry fails at once again: at EMFILE that loop spins a core at
  // 100% until a descriptor frees up. Waiting a little (as nginx does) costs the queued
  // clients that delay and nothing else.
  void accept_later() {
    accept_retry->expires_after(kAcceptRetry);
    accept_retry->async_wait([this](boost::system::error_code ec) {
      if (ec || !acceptor->is_open()) return;
      accept();
    });
  }

  bool drain_and_stop(Duration grace) {
    if (!running) return true;
    running = false;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    core.start_draining();
    std::promise<void> closed;
    net::post(workers[0]->io(), [&] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
      accept_retry->cancel();
      closed.set_value();
    });
    closed.get_future().wait();
    for (auto& w : workers) net::post(w->io(), [&w] { w->close_idle_sessions(); });
    const bool clean = core.wait_idle(deadline);
    for (auto& w : workers) w->stop();
    accept_retry.reset();
    acceptor.reset();
    workers.clear();
    return clean;
  }

  RouterCore core;
  std::vector<std::unique_ptr<Worker>> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;  // on workers[0], like the acceptor
  std::size_t next_worker = 0;
  bool running = false;
};

BuiltinRouterServer::BuiltinRouterServer(RouterOptions options, const Clock& clock,
                                         OutcomeSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), clock, sink)) {}

BuiltinRouterServer::~BuiltinRouterServer() {
  impl_->drain_and_stop(Duration{0});
}

std::optional<std::string> BuiltinRouterServer::start() {
  if (impl_->running) return "already started";
  if (impl_->workers.empty()) return "stopped; a router cannot be restarted";
  return impl_->listen(port_);
}

std::optional<std::string> BuiltinRouterServer::set_pools(Role role,
                                                          std::vector<std::string> endpoints) {
  return impl_->core.set_pools(role, endpoints);
}

void BuiltinRouterServer::set_split(const TrafficSplit& split, bool preview) {
  impl_->core.set_split(split, preview);
}

ProxyRouteTable BuiltinRouterServer::routes() const {
  return impl_->core.routes();
}

bool BuiltinRouterServer::drain_and_stop(Duration grace) {
  return impl_->drain_and_stop(grace);
}

}  // namespace rollguard
