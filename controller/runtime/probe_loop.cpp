#include "controller/runtime/probe_loop.hpp"

namespace rollguard {

ProbeLoop::ProbeLoop(std::vector<ProbeSpec> probes, Prober& prober,
                     std::function<void(std::function<void()>)> post, Failed on_failed,
                     Result on_result)
    : probes_(std::move(probes)),
      prober_(prober),
      lifeline_(Lifeline::make(std::move(post))),
      on_failed_(std::move(on_failed)),
      on_result_(std::move(on_result)) {}

ProbeLoop::~ProbeLoop() {
  lifeline_->cut();
}

void ProbeLoop::watch(Role role, const std::vector<std::string>& endpoints, TimePoint now) {
  std::erase_if(targets_, [&](const auto& entry) {
    const Target& t = entry.second;
    return t.role == role &&
           std::find(endpoints.begin(), endpoints.end(), t.request.endpoint) == endpoints.end();
  });
  for (const ProbeSpec& probe : probes_) {
    for (const std::string& endpoint : endpoints) {
      // Compared in place: a Key per check would copy both strings at every reconcile.
      const bool known = std::ranges::any_of(targets_, [&](const auto& entry) {
        return entry.first.first == probe.name && entry.first.second == endpoint;
      });
      if (known) continue;
      Key key{probe.name, endpoint};
      ProbeRequest request{
          probe.check, endpoint, probe.timeout, {{"role", std::string(to_string(role))}}};
      targets_.emplace(std::move(key),
                       Target{&probe, role, std::move(request),
                              ProbeTracker(probe.name, role, endpoint, probe.failureThreshold), now,
                              ++serials_, false, false});
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
    prober_.probe(t.request, [this, lifeline = lifeline_, serial = t.serial](ProbeResult result) {
      lifeline->deliver([this, serial, result = std::move(result)] { on_result(serial, result); });
    });
  }
}

void ProbeLoop::on_result(std::uint64_t serial, const ProbeResult& result) {
  auto it = std::find_if(targets_.begin(), targets_.end(),
                         [serial](const auto& entry) { return entry.second.serial == serial; });
  if (it == targets_.end()) return;  // the instance went away meanwhile
  Target& target = it->second;
  target.in_flight = false;
  if (target.tracker.record(result) && !target.reported) {
    target.reported = true;  // once: the rollout acts on it, the loop need not repeat it
    on_failed_(target.role, target.tracker.reason());  // may stop every target, or the loop
    return;
  }
  if (on_result_) on_result_(target.due);
}

}  // namespace rollguard
