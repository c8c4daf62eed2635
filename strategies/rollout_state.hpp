#pragma once
// The recorded state of one rollout revision: what the planners read and the state machine
// writes. Plain data, so the store can persist it and the simulator can copy it.
#include <cstddef>
#include <map>
#include <string>

#include "manifests/time.hpp"
#include "manifests/vocabulary.hpp"

namespace rollguard {

// Why a rollout is Paused; it decides what `resume` and `promote` may do.
enum class PauseReason { None, Step, Operator, Inconclusive, Failure, Error };
std::string_view to_string(PauseReason r);

// Percent of requests per role; the three add up to 100.
struct TrafficSplit {
  double stable = 100;
  double canary = 0;
  double baseline = 0;
  bool operator==(const TrafficSplit&) const = default;
  double operator[](Role r) const {
    return r == Role::Stable ? stable : r == Role::Canary ? canary : baseline;
  }
};

struct RoleCounts {
  int stable = 0;
  int canary = 0;
  int baseline = 0;
  bool operator==(const RoleCounts&) const = default;
  int& operator[](Role r) {
    return r == Role::Stable ? stable : r == Role::Canary ? canary : baseline;
  }
  int operator[](Role r) const {
    return r == Role::Stable ? stable : r == Role::Canary ? canary : baseline;
  }
};

struct RolloutState {
  Phase phase = Phase::Pending;
  PauseReason pause = PauseReason::None;
  std::string knownGood;      // changes on Succeeded (and back on undo)
  std::string stableVersion;  // what the stable (and baseline) role runs
  std::string canaryVersion;  // the change
  std::size_t step = 0;       // index into the compiled program
  int attempt = 0;            // bumps when the current step's analysis must run again
  int backgroundAttempt = 0;  // likewise for background analysis
  bool skipToEnd = false;     // `promote --full`: no more steps after the switch
  bool undoing = false;       // RollingBack because of `undo`, to the previous version
  TimePoint startedAt{};
  TimePoint stepStartedAt{};
  TimePoint lastProgressAt{};  // progressDeadline counts from here
  TimePoint rollbackStartedAt{};
  TimePoint completedAt{};  // when a terminal phase was reached
  RoleCounts ready;         // instances ready per role, as last reported
  TrafficSplit applied;     // the split last verified on the router
  bool previewApplied = false;
  std::map<std::string, Verdict> verdicts;  // final verdicts by analysis id
  // Successful measurements of the current analyses (step or background) since the revision
  // started or was retried: a rollout with analyses is promoted only once there is one.
  int successfulMeasurements = 0;
  std::string message;  // the latest one-line reason
  bool operator==(const RolloutState&) const = default;
};

// The current step's number as people read it and as events and the API carry it: 1-based
// ("step 4/6"), 0 before the first step.
inline std::size_t step_number(const RolloutState& s) {
  return s.phase == Phase::Pending ? 0 : s.step + 1;
}

// Paused at a pause step, waiting for `promote` (not held for a bad or unsure analysis).
inline bool reached_step_pause(const RolloutState& s) {
  return s.phase == Phase::Paused && s.pause == PauseReason::Step;
}

}  // namespace rollguard
