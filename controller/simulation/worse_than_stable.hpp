#pragma once
// The simulator's ground truth: is the new version, at one moment, worse than the stable
// version at the same moment? It is decided from the scenario alone (each version's profile
// and the faults switched on), on every signal the scenario models: failures (a crashed
// version fails every request), p50 and p99 latency. It does not look at what the rollout's
// analyses read: it says whether the change hurts users, and the report's accounting
// (detection_accounting.hpp) measures the controller's verdicts against it. A version whose
// own profile is worse than stable's is worse from its first request, `faults:` or not; a
// fault that leaves every signal where stable's is changes nothing. Pure.
#include <string>

#include "controller/simulation/version_model.hpp"

namespace rollguard::sim {

// What a request to a version gets at one moment.
struct ServedBehaviour {
  double failure_rate = 0;  // per request, 0..1; 1 when crashed
  double p50_ms = 0;        // latency quantiles of the answered requests
  double p99_ms = 0;
  bool crashed = false;  // nothing answers
};

ServedBehaviour served_behaviour(const VersionModel& model, const VersionState& state);

// The signals on which a version is worse than stable: strictly worse, any amount (the
// policy's tolerance is the policy's business, not the truth's).
struct StableComparison {
  bool failures = false;  // a higher failure rate
  bool latency_p50 = false;
  bool latency_p99 = false;
  bool crashed = false;  // crashed while stable answers
  bool worse() const { return failures || latency_p50 || latency_p99 || crashed; }
};

StableComparison compare_with_stable(const ServedBehaviour& version, const ServedBehaviour& stable);

// Why, for the report: "error rate 0.2 vs stable's 0.001", "p99 540ms vs stable's 180ms",
// "crashed"; empty when not worse.
std::string describe(const StableComparison& c, const ServedBehaviour& version,
                     const ServedBehaviour& stable);

}  // namespace rollguard::sim
