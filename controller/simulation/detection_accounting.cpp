#include "controller/simulation/detection_accounting.hpp"

namespace rollguard::sim {

EventVerdict classify_event(const Event& e, const RolloutState& after) {
  if (e.kind != EventKind::PhaseChanged) return EventVerdict::None;
  if (e.phase == Phase::RollingBack || e.phase == Phase::Failed)
    return after.undoing ? EventVerdict::None : EventVerdict::Stop;
  if (e.phase != Phase::Paused) return EventVerdict::None;
  switch (after.pause) {
    case PauseReason::Failure:
      return EventVerdict::Stop;
    case PauseReason::Inconclusive:
    case PauseReason::Error:
      return EventVerdict::InconclusivePause;
    case PauseReason::None:
    case PauseReason::Step:
    case PauseReason::Operator:
      return EventVerdict::None;
  }
  return EventVerdict::None;
}

std::string_view to_string(RunOutcome o) {
  switch (o) {
    case RunOutcome::Detected:
      return "detected";
    case RunOutcome::FalseRollback:
      return "falseRollback";
    case RunOutcome::Inconclusive:
      return "inconclusive";
    case RunOutcome::Missed:
      return "missed";
    case RunOutcome::Passed:
      return "passed";
  }
  return "?";
}

RunScore score_run(const RunFacts& f) {
  RunScore s;
  if (f.stopped_at) {
    if (f.worse_since && *f.worse_since <= *f.stopped_at) {
      s.outcome = RunOutcome::Detected;
      s.time_to_detect = *f.stopped_at - *f.worse_since;
    } else {
      s.outcome = RunOutcome::FalseRollback;  // nothing was wrong yet when it stopped
    }
  } else if (f.inconclusive_pauses > 0) {
    s.outcome = RunOutcome::Inconclusive;
  } else {
    s.outcome = f.worse_since ? RunOutcome::Missed : RunOutcome::Passed;
  }
  return s;
}

}  // namespace rollguard::sim
