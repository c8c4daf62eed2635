#pragma once
// Everything that can happen to a rollout, as data. The reconciler turns what its drivers and
// analyses report into these; the simulator and the tests make them directly.
#include <string>
#include <variant>

#include "manifests/vocabulary.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

struct Tick {};  // time passed: timers and deadlines

struct InstancesReady {  // `count` instances of `role` answer their readiness check
  Role role = Role::Canary;
  int count = 0;
};

struct InstancesFailed {  // instances of `role` died or never became ready
  Role role = Role::Canary;
  std::string reason;
};

struct TrafficApplied {  // the router verifiably serves this split
  TrafficSplit split;
  bool preview = false;
};

struct TrafficFailed {  // setting or verifying the split failed; it will be retried
  std::string reason;
};

struct AnalysisProgress {  // a measurement arrived: the step is not stuck
  std::string id;
  // It was Successful: judged on data, at least minSamples requests behind it. Promotion
  // needs one (RolloutState::successfulMeasurements).
  bool successful = false;
};

struct AnalysisCompleted {
  std::string id;
  Verdict verdict = Verdict::Successful;
  std::string reason;
};

struct ProbeFailed {  // a probe crossed its failureThreshold
  Role role = Role::Canary;
  std::string reason;
};

enum class Action { Promote, Abort, Pause, Resume, Retry, Undo };
std::string_view to_string(Action a);

struct OperatorCommand {
  Action action = Action::Promote;
  bool full = false;  // promote --full
  std::string actor = "operator";
};

using MachineInput =
    std::variant<Tick, InstancesReady, InstancesFailed, TrafficApplied, TrafficFailed,
                 AnalysisProgress, AnalysisCompleted, ProbeFailed, OperatorCommand>;

}  // namespace rollguard
