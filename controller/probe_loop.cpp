#include "controller/probe_loop.hpp"

namespace rollguard {

ProbeLoop::ProbeLoop(std::vector<ProbeSpec> probes, Prober& prober,
                     std::function<void(std::function<void()>)> post, Failed on_failed,
                     std::function<void()> on_result)
    : probes_(std::move(probes)),
      prober_(prober),
      post_(std::move(post)),
      on_failed_(std::move(on_failed)),
      on_result_(std::move(on_result)) {}

ProbeLoop::~ProbeLoop() {
  *alive_ = false;
}

void ProbeLoop::watch(Role role, const std::vector<std::string>& endpoints, TimePoint now) {
  std::erase_if(targets_, [&](const auto& entry) {
    const Target& t = entry.second;
    return t.role == role &&
           std::find(endpoints.begin(), endpoints.end(), t.endpoint) == endpoints.end();
  });
  for (const ProbeSpec& probe : probes_) {
    for (const std::string& endpoint : endpoints) {
      const Key key{probe.name, endpoint};
      if (targets_.contains(key)) continue;
      targets_.emplace(key, Target{&probe, role, endpoint,
                                   ProbeTracker(probe.name, role, endpoint, probe.failureThreshold),
                                   now, false, false});
    }
  }
}

std::optional<TimePoint> ProbeLoop::next_due() const {
  std::optional<TimePoint> due;
  for (const auto& [key, t] : targets_)
    if (!t.in_flight && !t.reported && (!due || t.due < *due)) due = t.due;
  return due;
}

void ProbeLoop::poll(TimePoint now) {
  for (auto& [key, t] : targets_) {
    if (t.in_flight || t.reported || t.due > now) continue;
    t.in_flight = true;
    t.due = now + t.probe->interval;
    ProbeRequest request{
        t.probe->check, t.endpoint, t.probe->timeout, {{"role", std::string(to_string(t.role))}}};
    auto alive = alive_;
    prober_.probe(request, [this, alive, key = key](ProbeResult result) {
      post_([this, alive, key, result = std::move(result)] {
        if (!*alive) return;
        auto it = targets_.find(key);
        if (it == targets_.end()) return;  // the instance went away meanwhile
        Target& target = it->second;
        target.in_flight = false;
        if (target.tracker.record(result) && !target.reported) {
          target.reported = true;  // once: the rollout acts on it, the loop need not repeat it
          on_failed_(target.role, target.tracker.reason());
        }
        if (*alive && on_result_) on_result_();
      });
    });
  }
}

}  // namespace rollguard
