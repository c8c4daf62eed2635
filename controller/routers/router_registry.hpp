#pragma once
// The router driver a manifest's `traffic` section asks for: builtin | haproxy | nginx |
// command | none. One overload per kind: a kind not handled here does not compile.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "controller/ports/router_driver.hpp"
#include "controller/routers/builtin/remote_router_driver.hpp"
#include "controller/routers/command/command_router_driver.hpp"
#include "controller/routers/haproxy/haproxy_router_driver.hpp"
#include "controller/routers/nginx/nginx_router_driver.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

class BuiltinRouterServer;

struct RouterDriverOptions {
  HaproxyRouterOptions haproxy;
  NginxRouterOptions nginx;
  CommandRouterOptions command;
  RemoteRouterOptions remote;  // `builtin` with `admin`: a standalone router
};

struct RouterDriverContext {
  boost::asio::any_io_executor executor;
  // The running server a `builtin` router drives (the runtime owns it, since it outlives a
  // rollout that is replaced); required for that kind without `admin`, unused by the others
  // (a `builtin` router with `admin` is a standalone process: RemoteRouterDriver).
  BuiltinRouterServer* builtin_server = nullptr;
  RouterDriverOptions options;
};

// Never null. Throws std::logic_error for an embedded `builtin` without a server: a wiring
// defect.
std::unique_ptr<RouterDriver> make_router_driver(const RouterSpec& spec,
                                                 RouterDriverContext context);

}  // namespace rollguard
