#pragma once
// One simulated rollout: the live controller (Reconciler, AnalysisRunner, ProbeLoop, judges)
// on a virtual clock, with simulated targets, router, probes, synthetic transactions and
// metric providers built from the scenario, measured from the outside.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/machine/event.hpp"
#include "controller/simulation/detection_accounting.hpp"
#include "manifests/scenario_spec.hpp"

namespace rollguard::sim {

struct SimulationOptions {
  Duration startup = 1s;  // from asking for an instance to its being ready
  bool timeline = true;   // keep every event (Monte Carlo runs do without)
};

struct RunReport {
  std::uint64_t seed = 0;
  Phase phase = Phase::Pending;  // at the end, or at the scenario's duration cap
  std::string message;           // the rollout's last one-line reason
  Duration elapsed{};            // virtual time from start to the end of the run
  // How the run scores (detection_accounting.hpp): detected, a false rollback, inconclusive,
  // missed, or passed.
  RunOutcome outcome = RunOutcome::Passed;
  // The first moment the new version served while worse than stable (its own profile or a
  // fault; worse_than_stable.hpp), and on which signals; nothing when it never was.
  std::optional<Duration> fault_onset;
  std::string fault_reason;
  // The controller's first rollback or failure verdict, whether or not anything was wrong.
  std::optional<Duration> stopped_at;
  int inconclusive_pauses = 0;  // pauses on an inconclusive or errored analysis
  // Onset to the stop, for a detection only.
  std::optional<Duration> time_to_detect;
  // Onset to the router's confirmation, after the stop, that the new version serves no
  // traffic; for a detection only.
  std::optional<Duration> time_to_restore;
  std::int64_t faulty_requests = 0;  // served by the new version while it was worse
  std::int64_t failed_requests = 0;  // of those, how many failed
  // failed_requests less what stable would have failed of the same requests, in expectation:
  // the failures the change caused (negative when luck was on its side).
  double excess_failed_requests = 0;
  std::int64_t canary_requests = 0;  // served by the new version in all
  std::int64_t events_run = 0;       // scheduler events: a measure of the work done
  std::vector<Event> timeline;       // `at` is virtual time since the start (epoch 0)
};

// Runs `scenario` with `seed` (the scenario's own seed and runs are not read). The scenario's
// rollout must name its stable version.
RunReport simulate_run(const ScenarioSpec& scenario, std::uint64_t seed,
                       const SimulationOptions& options = {});

}  // namespace rollguard::sim
