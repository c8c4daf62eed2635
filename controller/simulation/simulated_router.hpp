#pragma once
// The traffic layer of a simulated rollout, whatever the manifest's router: a route table is
// confirmed at once (the built-in router applies it in-process), and from then on the traffic
// model sends each role's share to the version its endpoints run.
#include <functional>

#include "controller/ports/router_driver.hpp"
#include "controller/simulation/traffic_model.hpp"
#include "controller/simulation/virtual_scheduler.hpp"

namespace rollguard::sim {

class SimulatedRouter final : public RouterDriver {
 public:
  using Confirmed = std::function<void(const RouteTable&)>;
  SimulatedRouter(VirtualScheduler& scheduler, TrafficModel& model, Confirmed on_confirmed)
      : scheduler_(scheduler), model_(model), on_confirmed_(std::move(on_confirmed)) {}

  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

 private:
  VirtualScheduler& scheduler_;
  TrafficModel& model_;
  Confirmed on_confirmed_;
};

}  // namespace rollguard::sim
