#pragma once
// `traffic: none`: nothing splits requests, so the replica counts are the split. Confirming
// at once is the truth here: there is no router whose state could differ from the table.
#include "controller/ports/router_driver.hpp"

namespace rollguard {

class NoRouterDriver final : public RouterDriver {
 public:
  void apply(const RouteTable&, std::function<void(std::string error)> done) override { done(""); }
};

}  // namespace rollguard
