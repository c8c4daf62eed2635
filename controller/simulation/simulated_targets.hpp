#pragma once
// The target driver of a simulated rollout, whatever the manifest's target kind: instances
// are ready `startup` after they are asked for, and when their version crashes they die the
// way the process driver reports it (the role loses its ready instances, with a reason).
#include <array>
#include <functional>
#include <string>

#include "controller/ports/target_driver.hpp"
#include "controller/simulation/traffic_model.hpp"
#include "controller/simulation/virtual_scheduler.hpp"

namespace rollguard::sim {

class SimulatedTargets final : public TargetDriver {
 public:
  SimulatedTargets(VirtualScheduler& scheduler, const TrafficModel& model, Duration startup)
      : scheduler_(scheduler), model_(model), startup_(startup) {}

  void scale(Role role, const std::string& version, int count) override;
  void on_report(std::function<void(const TargetReport&)> observer) override {
    observer_ = std::move(observer);
  }
  void shutdown(std::function<void()> done) override { scheduler_.post(std::move(done)); }

  // Every ready instance of `version` (kStableVersion / kCanaryVersion) dies now.
  void crash(int version);

 private:
  struct RoleState {
    std::string version;
    int count = 0;
    int ready = 0;
    std::uint64_t generation = 0;  // a newer scale() makes older pending starts moot
  };
  void report(Role role, std::string failure = {});
  std::string died(Role role, const RoleState& rs) const;

  VirtualScheduler& scheduler_;
  const TrafficModel& model_;
  Duration startup_;
  std::function<void(const TargetReport&)> observer_;
  std::array<RoleState, 3> roles_;
};

}  // namespace rollguard::sim
