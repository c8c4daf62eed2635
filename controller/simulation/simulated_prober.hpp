#pragma once
// Probes of simulated instances follow the version model: an instance answers its probes
// until its version crashes, then the connection is refused. Like a real health endpoint, a
// version with a high error rate still passes them (docs/demo-app.md).
#include <deque>

#include "controller/simulation/traffic_model.hpp"
#include "controller/simulation/virtual_scheduler.hpp"
#include "health/probes/prober.hpp"

namespace rollguard::sim {

class SimulatedProber final : public Prober {
 public:
  SimulatedProber(VirtualScheduler& scheduler, const TrafficModel& model)
      : scheduler_(scheduler), model_(model) {}
  void probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) override;

 private:
  struct Answer {
    std::function<void(ProbeResult)> done;
    ProbeResult result;
  };
  void answer_next();

  VirtualScheduler& scheduler_;
  const TrafficModel& model_;
  // Answered in the order asked, each from an event of its own like a network prober's
  // completions; the event itself carries nothing (`post` keeps the order), so it is small.
  std::deque<Answer> answers_;
};

}  // namespace rollguard::sim
