#include "controller/routers/router_registry.hpp"

#include <stdexcept>

#include "controller/routers/builtin/builtin_router_driver.hpp"
#include "controller/routers/none/no_router_driver.hpp"

namespace rollguard {

std::unique_ptr<RouterDriver> make_router_driver(const RouterSpec& spec,
                                                 RouterDriverContext context) {
  struct Make {
    RouterDriverContext& c;
    std::unique_ptr<RouterDriver> operator()(const BuiltinRouter& r) const {
      if (!r.admin.empty())
        return std::make_unique<RemoteRouterDriver>(r, c.executor, c.options.remote);
      if (!c.builtin_server) throw std::logic_error("builtin router driver without its server");
      return std::make_unique<BuiltinRouterDriver>(*c.builtin_server);
    }
    std::unique_ptr<RouterDriver> operator()(const HaproxyRouter& r) const {
      return std::make_unique<HaproxyRouterDriver>(r, c.executor, c.options.haproxy);
    }
    std::unique_ptr<RouterDriver> operator()(const NginxRouter& r) const {
      return std::make_unique<NginxRouterDriver>(r, c.executor, c.options.nginx);
    }
    std::unique_ptr<RouterDriver> operator()(const CommandRouter& r) const {
      return std::make_unique<CommandRouterDriver>(r, c.executor, c.options.command);
    }
    std::unique_ptr<RouterDriver> operator()(const NoRouter&) const {
      return std::make_unique<NoRouterDriver>();
    }
  };
  return std::visit(Make{context}, spec);
}

}  // namespace rollguard
