#pragma once
// The RouterDriver over the built-in router in this process: sets the pools and the split,
// then reads the table back; a mismatch is an error like any other router's.
#include "controller/ports/router_driver.hpp"
#include "controller/routers/builtin/proxy/builtin_router_server.hpp"

namespace rollguard {

class BuiltinRouterDriver final : public RouterDriver {
 public:
  explicit BuiltinRouterDriver(BuiltinRouterServer& server) : server_(server) {}
  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

 private:
  BuiltinRouterServer& server_;
};

}  // namespace rollguard
