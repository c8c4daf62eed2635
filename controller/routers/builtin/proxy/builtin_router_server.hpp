#pragma once
// The built-in router: an HTTP/1.1 reverse proxy that splits requests between the stable,
// canary and baseline pools by weight (see docs/routers.md, "builtin").
//
// Threads: `options.threads` workers, each running its own event loop; one acceptor hands
// connections out round-robin, and a connection stays on its worker. Configuration calls
// (set_pools, set_split, routes) may come from any thread; a change is published as a new
// table that each worker picks up on its next request, so a request in flight finishes on the
// upstream it was given. The sink receives one outcome per routed request, one call at a time;
// the clock is read from the I/O threads, so it must be safe to read concurrently.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/routers/builtin/proxy/route_table.hpp"
#include "controller/routers/builtin/proxy/router_options.hpp"
#include "health/measurement.hpp"
#include "manifests/time.hpp"

namespace rollguard {

class BuiltinRouterServer {
 public:
  BuiltinRouterServer(RouterOptions options, const Clock& clock, OutcomeSink& sink);
  ~BuiltinRouterServer();  // drains with no grace if still running
  BuiltinRouterServer(const BuiltinRouterServer&) = delete;
  BuiltinRouterServer& operator=(const BuiltinRouterServer&) = delete;

  // Binds and starts serving; nullopt on success, else why it could not listen.
  [[nodiscard]] std::optional<std::string> start();
  unsigned short port() const { return port_; }

  // "host:port" backends of a role; nullopt on success, else the endpoint that is not valid
  // (nothing changes then). Names are resolved here, never on the request path.
  [[nodiscard]] std::optional<std::string> set_pools(Role role, std::vector<std::string> endpoints);
  // Percent per role (need not sum to 100: weights are relative). `preview` turns on the
  // preview route: a request carrying the preview header goes to the canary pool.
  void set_split(const TrafficSplit& split, bool preview);
  ProxyRouteTable routes() const;

  // Stops accepting, closes idle client connections, lets requests in flight finish for up to
  // `grace`, then stops. Returns true when nothing was cut off.
  bool drain_and_stop(Duration grace);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace rollguard
