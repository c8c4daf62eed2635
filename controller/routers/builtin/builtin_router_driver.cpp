#include "controller/routers/builtin/builtin_router_driver.hpp"

namespace rollguard {

void BuiltinRouterDriver::apply(const RouteTable& table,
                                std::function<void(std::string error)> done) {
  for (Role role : kRoles) {
    if (auto bad = server_.set_pools(role, table.endpoints(role))) {
      return done("builtin router: bad " + std::string(to_string(role)) + " endpoint " + *bad);
    }
  }
  server_.set_split(table.split, table.preview);
  const ProxyRouteTable applied = server_.routes();
  const bool same = applied.split == table.split && applied.preview == table.preview &&
                    applied.pool(Role::Stable) == table.stable &&
                    applied.pool(Role::Canary) == table.canary &&
                    applied.pool(Role::Baseline) == table.baseline;
  done(same ? std::string{} : "builtin router: the table read back differs from the one set");
}

}  // namespace rollguard
