#include "controller/external_router.hpp"

#include <type_traits>

namespace rollguard {

std::unique_ptr<TrafficRouter> make_external_router(const RouterSpec& spec,
                                                    boost::asio::any_io_executor executor,
                                                    ExternalRouterOptions options) {
  return std::visit(
      [&](const auto& router) -> std::unique_ptr<TrafficRouter> {
        using T = std::decay_t<decltype(router)>;
        if constexpr (std::is_same_v<T, HaproxyRouter>)
          return std::make_unique<HaproxyTrafficRouter>(router, executor, options.haproxy);
        else if constexpr (std::is_same_v<T, NginxRouter>)
          return std::make_unique<NginxTrafficRouter>(router, executor, options.nginx);
        else if constexpr (std::is_same_v<T, CommandRouter>)
          return std::make_unique<CommandTrafficRouter>(router, executor, options.command);
        else
          return nullptr;
      },
      spec);
}

}  // namespace rollguard
