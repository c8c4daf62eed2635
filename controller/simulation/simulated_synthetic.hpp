#pragma once
// Synthetic transactions answered by the version model: each step of the script is one
// request to the version behind the endpoint (the canary for the preview route), which fails
// with that version's error rate (status 500), takes a latency drawn from its distribution,
// and is refused once it has crashed. The model has no bodies: expectations on bodies and
// captures are taken as met; status and latencyBelow are checked.
#include "controller/simulation/random.hpp"
#include "controller/simulation/traffic_model.hpp"
#include "controller/simulation/virtual_scheduler.hpp"
#include "health/synthetic/synthetic_runner.hpp"

namespace rollguard::sim {

class SimulatedSynthetic final : public SyntheticRunner {
 public:
  SimulatedSynthetic(VirtualScheduler& scheduler, const TrafficModel& model, std::uint64_t seed)
      : scheduler_(scheduler), model_(model), random_(seed) {}

  void run(const SyntheticSpec& spec, SyntheticCall call,
           std::function<void(SyntheticResult)> done) override;

 private:
  VirtualScheduler& scheduler_;
  const TrafficModel& model_;
  Random random_;
};

}  // namespace rollguard::sim
