#pragma once
// How the simulator scores a run: what the controller did (its first rollback or failure
// verdict, its inconclusive pauses) against the truth (when the new version first served
// while worse than stable, worse_than_stable.hpp). Pure: the run loop only collects the
// inputs (docs/simulation.md, "Accounting").
//
//   stopped, version worse at or before the stop  -> Detected
//   stopped, version not (yet) worse              -> FalseRollback
//   not stopped, paused for too few samples / no data / errors -> Inconclusive
//   not stopped, not paused, version worse        -> Missed
//   not stopped, not paused, version never worse  -> Passed
//
// An inconclusive pause is neither a detection nor a false alarm: it says the policy could
// not tell, and it is counted apart.
#include <array>
#include <optional>
#include <string_view>

#include "controller/machine/event.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard::sim {

// What one controller event means to the accounting.
enum class EventVerdict {
  None,
  Stop,               // RollingBack or Failed (not an operator's undo), or Paused on a failure
  InconclusivePause,  // Paused on an inconclusive or errored analysis: the policy could not tell
};
EventVerdict classify_event(const Event& e, const RolloutState& after);

enum class RunOutcome { Detected, FalseRollback, Inconclusive, Missed, Passed };
inline constexpr std::array kRunOutcomes{RunOutcome::Detected, RunOutcome::FalseRollback,
                                         RunOutcome::Inconclusive, RunOutcome::Missed,
                                         RunOutcome::Passed};
std::string_view to_string(RunOutcome o);  // detected, falseRollback, ... (the JSON keys)

// Times are since the start of the run. `worse_since`: the first moment the new version served
// while worse than stable; `stopped_at`: the first Stop event.
struct RunFacts {
  std::optional<Duration> worse_since;
  std::optional<Duration> stopped_at;
  int inconclusive_pauses = 0;
};

struct RunScore {
  RunOutcome outcome = RunOutcome::Passed;
  std::optional<Duration> time_to_detect;  // worse_since -> stopped_at, Detected only
};
RunScore score_run(const RunFacts& facts);

// Runs per outcome, and each outcome's share of all runs.
struct OutcomeTally {
  int runs = 0;
  std::array<int, kRunOutcomes.size()> counts{};
  void add(RunOutcome o) {
    ++counts[static_cast<std::size_t>(o)];
    ++runs;
  }
  int count(RunOutcome o) const { return counts[static_cast<std::size_t>(o)]; }
  double rate(RunOutcome o) const { return runs > 0 ? double(count(o)) / runs : 0.0; }
};

}  // namespace rollguard::sim
