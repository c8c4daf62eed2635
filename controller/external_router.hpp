#pragma once
// The routers that drive a proxy run by someone else (HAProxy, nginx, any command), picked by
// the manifest's `traffic` section. The builtin router and `none` are wired elsewhere.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "controller/command_router.hpp"
#include "controller/haproxy_router.hpp"
#include "controller/nginx_router.hpp"
#include "controller/traffic_router.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

struct ExternalRouterOptions {
  HaproxyRouterOptions haproxy;
  NginxRouterOptions nginx;
  CommandRouterOptions command;
};

// Null for BuiltinRouter and NoRouter.
std::unique_ptr<TrafficRouter> make_external_router(const RouterSpec& spec,
                                                    boost::asio::any_io_executor executor,
                                                    ExternalRouterOptions options = {});

}  // namespace rollguard
