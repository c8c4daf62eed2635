#pragma once
// The TrafficRouter over the built-in router in this process: sets the pools and the split,
// then reads the table back; a mismatch is an error like any other router's.
#include "controller/router/builtin_router_server.hpp"
#include "controller/traffic_router.hpp"

namespace rollguard {

class BuiltinTrafficRouter final : public TrafficRouter {
 public:
  explicit BuiltinTrafficRouter(BuiltinRouterServer& server) : server_(server) {}
  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

 private:
  BuiltinRouterServer& server_;
};

}  // namespace rollguard
