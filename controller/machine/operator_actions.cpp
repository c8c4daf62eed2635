// Operator actions: each is applied, or refused with the reason and what to do instead.
#include "controller/machine/machine_transition.hpp"

namespace rollguard {

std::string_view to_string(Action a) {
  switch (a) {
    case Action::Promote:
      return "promote";
    case Action::Abort:
      return "abort";
    case Action::Pause:
      return "pause";
    case Action::Resume:
      return "resume";
    case Action::Retry:
      return "retry";
    case Action::Undo:
      return "undo";
  }
  return "?";
}

void RolloutMachine::Transition::operator()(const OperatorCommand& in) {
  switch (in.action) {
    case Action::Promote:
      return promote(in.full, in.actor);
    case Action::Abort:
      return abort(in.actor);
    case Action::Pause:
      return pause_by(in.actor);
    case Action::Resume:
      return resume(in.actor);
    case Action::Retry:
      return retry(in.actor);
    case Action::Undo:
      return undo(in.actor);
  }
}

namespace {
std::string phase_is(const RolloutState& s) {
  return "the rollout is " + std::string(to_string(s.phase));
}
}  // namespace

// Skips the current step (a pause, an analysis, a failed check the operator overrides);
// --full skips every step up to the switch to 100% and ends right after it.
void RolloutMachine::Transition::promote(bool full, const std::string& actor) {
  if (s_.phase == Phase::Pending)
    return refuse("cannot promote: " + s_.canaryVersion + " is not ready yet");
  if (s_.phase != Phase::Progressing && s_.phase != Phase::Paused) {
    return refuse(
        "cannot promote: " + phase_is(s_) +
        (s_.phase == Phase::RolledBack ? "; use retry to roll the change out again" : ""));
  }
  const std::string skipped = planner().step_label(s_);
  enter(
      Phase::Progressing,
      std::string(full ? "fully promoted" : "promoted") + " by " + actor + ", skipping " + skipped,
      actor);
  const std::size_t switch_step = planner().program().finalSwitch;
  if (full) {
    s_.skipToEnd = true;
    if (s_.step < switch_step) return start_step(switch_step);
  }
  if (!planner().last_step(s_)) return start_step(s_.step + 1);
  // Nothing is left to skip but the switch itself, whose gate waits for the verified split.
  if (s_.applied.canary >= 100) succeed();
}

void RolloutMachine::Transition::abort(const std::string& actor) {
  if (!active()) return refuse("cannot abort: " + phase_is(s_));
  start_rollback("aborted by " + actor, actor);
}

void RolloutMachine::Transition::pause_by(const std::string& actor) {
  if (s_.phase == Phase::Paused) return refuse("cannot pause: already paused (" + s_.message + ")");
  if (s_.phase != Phase::Progressing) return refuse("cannot pause: " + phase_is(s_));
  pause(PauseReason::Operator, "paused by " + actor, actor);
}

// After an inconclusive, failed or erroring analysis the operator chose to look again:
// the analyses run anew (new ids) instead of reusing the verdict that paused the rollout.
void RolloutMachine::Transition::resume(const std::string& actor) {
  if (s_.phase != Phase::Paused) return refuse("cannot resume: " + phase_is(s_));
  if (s_.pause == PauseReason::Step)
    return refuse("cannot resume: " + planner().step_label(s_) + " waits for promote");
  if (s_.pause != PauseReason::Operator) {
    ++s_.attempt;
    ++s_.backgroundAttempt;
  }
  s_.lastProgressAt = now_;
  enter(Phase::Progressing, "resumed by " + actor, actor);
}

// RolledBack: roll the same change out again from the first step. Failed: try the rollback
// again.
void RolloutMachine::Transition::retry(const std::string& actor) {
  if (s_.phase == Phase::Failed) return start_rollback("rollback retried by " + actor, actor);
  if (s_.phase != Phase::RolledBack)
    return refuse("cannot retry: " + phase_is(s_) + "; retry applies to RolledBack or Failed");
  ++s_.attempt;
  ++s_.backgroundAttempt;
  s_.step = 0;
  s_.skipToEnd = false;
  s_.verdicts.clear();
  s_.successfulMeasurements = 0;
  s_.startedAt = s_.stepStartedAt = s_.lastProgressAt = now_;
  enter(Phase::Pending, "retried by " + actor + ": starting " + s_.canaryVersion + " again", actor);
}

// Succeeded: put the previous known-good version back (a traffic switch while it is kept).
void RolloutMachine::Transition::undo(const std::string& actor) {
  if (s_.phase != Phase::Succeeded) {
    return refuse("cannot undo: " + phase_is(s_) +
                  (active() ? "; use abort to roll back a rollout in progress" : ""));
  }
  if (s_.stableVersion.empty() || s_.stableVersion == s_.canaryVersion)
    return refuse("cannot undo: there is no previous version to return to");
  s_.undoing = true;
  start_rollback("undo by " + actor + ": back to " + s_.stableVersion, actor);
}

}  // namespace rollguard
