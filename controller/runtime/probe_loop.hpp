#pragma once
// Continuous health of every new instance (docs/manifest.md, `spec.probes`; docs/probes.md): each
// probe of the manifest against each ready canary and baseline endpoint, every `interval`, with
// failureThreshold consecutive failures failing the rollout. Like the analysis runner it reads
// no clock: the owner polls it at next_due() and results come back through `post`.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/runtime/lifeline.hpp"
#include "health/probes/probe_tracker.hpp"
#include "health/probes/prober.hpp"

namespace rollguard {

class ProbeLoop {
 public:
  using Failed = std::function<void(Role role, const std::string& reason)>;

  // `on_result` (may be empty) runs on the owner's strand after each probe result, with when
  // that target is due again: only then is it due at all, so the owner may need to look
  // sooner than it planned to.
  using Result = std::function<void(TimePoint due)>;
  ProbeLoop(std::vector<ProbeSpec> probes, Prober& prober,
            std::function<void(std::function<void()>)> post, Failed on_failed,
            Result on_result = {});
  ~ProbeLoop();

  // The endpoints to watch now; targets that left are forgotten, new ones start at `now`.
  void watch(Role role, const std::vector<std::string>& endpoints, TimePoint now);
  void stop_all() { targets_.clear(); }

  void poll(TimePoint now);
  std::optional<TimePoint> next_due() const;

 private:
  struct Target {
    const ProbeSpec* probe;
    Role role;
    ProbeRequest request;  // the same every round: built once
    ProbeTracker tracker;
    TimePoint due;
    std::uint64_t serial;  // names this target to its results, which may outlive it
    bool in_flight = false;
    bool reported = false;
  };
  using Key = std::pair<std::string, std::string>;  // probe name, endpoint

  void on_result(std::uint64_t serial, const ProbeResult& result);

  std::vector<ProbeSpec> probes_;
  Prober& prober_;
  std::shared_ptr<Lifeline> lifeline_;
  Failed on_failed_;
  Result on_result_;
  std::map<Key, Target> targets_;
  std::uint64_t serials_ = 0;
};

}  // namespace rollguard
