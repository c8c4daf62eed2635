#pragma once
// One simulated rollout: the live controller (Reconciler, AnalysisRunner, ProbeLoop, judges)
// on a virtual clock, with simulated targets, router, probes, synthetic transactions and
// metric providers built from the scenario, measured from the outside.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/machine/event.hpp"
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
  // From the first fault's onset (the new version's start of serving plus the earliest
  // fault's `at`); nothing when no fault switched on before the end.
  std::optional<Duration> fault_onset;
  // Onset to the event that started the rollback (or the pause or Failed that stopped the
  // rollout); nothing when nothing was detected after the onset.
  std::optional<Duration> time_to_detect;
  // Onset to the router's confirmation that the new version serves no traffic, after a
  // detection; nothing otherwise.
  std::optional<Duration> time_to_restore;
  std::int64_t faulty_requests = 0;  // served by the new version while a fault was on
  std::int64_t failed_requests = 0;  // of those, how many failed
  std::int64_t canary_requests = 0;  // served by the new version in all
  std::int64_t events_run = 0;       // scheduler events: a measure of the work done
  std::vector<Event> timeline;       // `at` is virtual time since the start (epoch 0)
};

// Runs `scenario` with `seed` (the scenario's own seed and runs are not read). The scenario's
// rollout must name its stable version.
RunReport simulate_run(const ScenarioSpec& scenario, std::uint64_t seed,
                       const SimulationOptions& options = {});

}  // namespace rollguard::sim
