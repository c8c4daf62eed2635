#pragma once
// Probes of simulated instances follow the version model: an instance answers its probes
// until its version crashes, then the connection is refused. Like a real health endpoint, a
// version with a high error rate still passes them (docs/demo-app.md).
#include "controller/simulation/traffic_model.hpp"
#include "controller/simulation/virtual_scheduler.hpp"
#include "health/prober.hpp"

namespace rollguard::sim {

class SimulatedProber final : public Prober {
 public:
  SimulatedProber(VirtualScheduler& scheduler, const TrafficModel& model)
      : scheduler_(scheduler), model_(model) {}
  void probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) override;

 private:
  VirtualScheduler& scheduler_;
  const TrafficModel& model_;
};

}  // namespace rollguard::sim
