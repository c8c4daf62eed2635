#include "controller/machine/rollout_machine.hpp"

#include <cassert>

#include "controller/machine/machine_transition.hpp"
#include "manifests/duration.hpp"

namespace rollguard {

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::PhaseChanged:
      return "PhaseChanged";
    case EventKind::StepStarted:
      return "StepStarted";
    case EventKind::AnalysisCompleted:
      return "AnalysisCompleted";
    case EventKind::ActionApplied:
      return "ActionApplied";
    case EventKind::Note:
      return "Note";
  }
  return "?";
}

std::string_view to_string(PauseReason r) {
  switch (r) {
    case PauseReason::None:
      return "";
    case PauseReason::Step:
      return "step";
    case PauseReason::Operator:
      return "operator";
    case PauseReason::Inconclusive:
      return "inconclusive";
    case PauseReason::Failure:
      return "failure";
    case PauseReason::Error:
      return "error";
  }
  return "?";
}

RolloutMachine::RolloutMachine(const RolloutSpec& spec)
    : planner_(spec), canary_version_(spec.canary) {}

RolloutState RolloutMachine::begin(const std::string& known_good, TimePoint now) const {
  RolloutState s;
  s.knownGood = known_good;
  s.stableVersion = known_good;
  s.canaryVersion = canary_version_;
  s.startedAt = s.stepStartedAt = s.lastProgressAt = now;
  s.message = "starting " + canary_version_ + " beside " + known_good;
  return s;
}

MachineOutcome RolloutMachine::apply(RolloutState& s, const MachineInput& input,
                                     TimePoint now) const {
  // Only operator commands can be refused; a refused one changes nothing. (The copy is
  // not made for the rest: the machine takes a few inputs per simulated second.)
  std::optional<RolloutState> before;
  if (std::holds_alternative<OperatorCommand>(input)) before = s;
  Transition t(*this, s, now);
  std::visit(t, input);
  MachineOutcome out = t.finish();
  if (out.refusal) {
    assert(before);
    s = std::move(*before);
  }
  return out;
}

// ---- the transition ----

bool RolloutMachine::Transition::active() const {
  return s_.phase == Phase::Pending || s_.phase == Phase::Progressing || s_.phase == Phase::Paused;
}

void RolloutMachine::Transition::emit(EventKind kind, std::string reason, std::string actor) {
  const std::size_t step = s_.phase == Phase::Pending ? 0 : s_.step + 1;
  events_.push_back(Event{now_, kind, s_.phase, step, std::move(reason), std::move(actor)});
}

void RolloutMachine::Transition::enter(Phase phase, std::string reason, std::string actor) {
  s_.phase = phase;
  if (phase != Phase::Paused) s_.pause = PauseReason::None;
  if (is_terminal(phase)) s_.completedAt = now_;
  s_.message = reason;
  emit(EventKind::PhaseChanged, std::move(reason), std::move(actor));
}

void RolloutMachine::Transition::start_step(std::size_t step) {
  s_.step = step;
  s_.stepStartedAt = s_.lastProgressAt = now_;
  emit(EventKind::StepStarted, planner().step_label(s_));
}

void RolloutMachine::Transition::succeed() {
  s_.knownGood = s_.canaryVersion;
  enter(Phase::Succeeded,
        s_.canaryVersion + " promoted: it serves 100% and is the known-good version");
}

void RolloutMachine::Transition::start_rollback(std::string reason, std::string actor) {
  s_.rollbackStartedAt = now_;
  enter(Phase::RollingBack, std::move(reason), std::move(actor));
}

void RolloutMachine::Transition::pause(PauseReason why, std::string reason, std::string actor) {
  s_.pause = why;
  enter(Phase::Paused, std::move(reason), std::move(actor));
}

void RolloutMachine::Transition::on_bad(Verdict verdict, std::string reason) {
  const RollbackPolicy& policy = planner().policy();
  const OnFailure action = verdict == Verdict::Failed         ? policy.onFailure
                           : verdict == Verdict::Inconclusive ? policy.onInconclusive
                                                              : policy.onError;
  if (action == OnFailure::Rollback) return start_rollback(std::move(reason));
  const PauseReason why = verdict == Verdict::Failed         ? PauseReason::Failure
                          : verdict == Verdict::Inconclusive ? PauseReason::Inconclusive
                                                             : PauseReason::Error;
  pause(why, std::move(reason));
}

// Advances through every step whose gate is open; stops at the first that must wait.
void RolloutMachine::Transition::settle() {
  if (s_.phase == Phase::Pending &&
      s_.ready.canary >= planner().program().steps.front().instances.canary &&
      s_.ready.baseline >= planner().program().steps.front().instances.baseline) {
    enter(Phase::Progressing, s_.canaryVersion + " is ready; starting the rollout");
    start_step(0);
  }
  while (s_.phase == Phase::Progressing) {
    const StepGate gate = planner().gate(s_, now_);
    if (gate == StepGate::Waiting) return;
    if (gate == StepGate::AwaitingPromotion) {
      return pause(PauseReason::Step, planner().step_label(s_) + ": waiting for promote");
    }
    if (planner().last_step(s_)) {
      // No data is never a success, whatever the limits let through (an inconclusiveLimit
      // that tolerates every measurement, a background analysis no step waits for): the
      // change is promoted on evidence or by a person (promote --full, or promote at a pause).
      if (planner().analysed() && !s_.skipToEnd && s_.successfulMeasurements == 0) {
        return on_bad(Verdict::Inconclusive,
                      "not promoting " + s_.canaryVersion +
                          ": no successful measurement with data behind it (minSamples) in "
                          "this rollout; promote --full promotes it anyway");
      }
      return succeed();
    }
    start_step(s_.step + 1);
  }
}

void RolloutMachine::Transition::check_deadlines() {
  const Duration deadline = planner().policy().progressDeadline;
  if (s_.phase == Phase::RollingBack && now_ >= s_.rollbackStartedAt + deadline) {
    return enter(Phase::Failed, "rollback not verified within " + format_duration(deadline) +
                                    " (progressDeadline): " + s_.message +
                                    "; traffic may still reach " + s_.canaryVersion);
  }
  const bool watched =
      s_.phase == Phase::Pending || (s_.phase == Phase::Progressing && !planner().timed(s_));
  if (watched && now_ >= s_.lastProgressAt + deadline) {
    const std::string where = s_.phase == Phase::Pending
                                  ? "waiting for " + s_.canaryVersion + " to become ready"
                                  : planner().step_label(s_);
    on_bad(Verdict::Failed,
           "no progress for " + format_duration(deadline) + " (progressDeadline) at " + where);
  }
}

void RolloutMachine::Transition::operator()(const Tick&) {
  check_deadlines();
}

void RolloutMachine::Transition::operator()(const InstancesReady& in) {
  if (in.count > s_.ready[in.role]) s_.lastProgressAt = now_;
  s_.ready[in.role] = in.count;
}

void RolloutMachine::Transition::operator()(const InstancesFailed& in) {
  s_.ready[in.role] = 0;
  const std::string& version = in.role == Role::Canary ? s_.canaryVersion : s_.stableVersion;
  const std::string what = std::string(to_string(in.role)) + " " + version + ": " + in.reason;
  if (in.role != Role::Stable && active()) return on_bad(Verdict::Failed, what);
  // The known-good version failing is not the change's fault, but it is what stands between
  // a rollback and its confirmation: it is said, and named if the rollout ends Failed.
  if (in.role == Role::Stable && !is_terminal(s_.phase)) {
    s_.message = what;
    emit(EventKind::Note, what);
  }
}

void RolloutMachine::Transition::operator()(const TrafficApplied& in) {
  const bool changed = !(s_.applied == in.split) || s_.previewApplied != in.preview;
  s_.applied = in.split;
  s_.previewApplied = in.preview;
  if (changed) s_.lastProgressAt = now_;
  if (s_.phase == Phase::RollingBack && in.split.stable >= 100 && !in.preview) {
    if (s_.undoing) {
      s_.undoing = false;
      s_.knownGood = s_.stableVersion;
    }
    enter(Phase::RolledBack, s_.message + "; " + s_.stableVersion + " serves 100% (verified)");
  }
}

void RolloutMachine::Transition::operator()(const TrafficFailed& in) {
  const std::string note = "router not confirmed: " + in.reason;
  if (!is_terminal(s_.phase)) s_.message = note;  // the Failed reason names the last error
  emit(EventKind::Note, note + " (retrying)");
}

void RolloutMachine::Transition::operator()(const AnalysisProgress& in) {
  if (!planner().is_current_analysis(s_, in.id)) return;
  s_.lastProgressAt = now_;
  if (in.successful) ++s_.successfulMeasurements;
}

void RolloutMachine::Transition::operator()(const AnalysisCompleted& in) {
  const bool current = planner().is_current_analysis(s_, in.id);
  if (!current || s_.verdicts.contains(in.id)) return;  // a stale or repeated report
  s_.verdicts[in.id] = in.verdict;
  s_.lastProgressAt = now_;
  // A Successful template has at least one successful measurement by construction.
  if (in.verdict == Verdict::Successful)
    s_.successfulMeasurements = std::max(1, s_.successfulMeasurements);
  emit(EventKind::AnalysisCompleted, std::string(to_string(in.verdict)) + ": " + in.reason);
  if (in.verdict != Verdict::Successful && s_.phase != Phase::Pending)
    on_bad(in.verdict, in.reason);
}

void RolloutMachine::Transition::operator()(const ProbeFailed& in) {
  if (in.role == Role::Stable || !active()) {
    emit(EventKind::Note, std::string(to_string(in.role)) + ": " + in.reason);
    return;
  }
  on_bad(Verdict::Failed, in.reason);
}

MachineOutcome RolloutMachine::Transition::finish() {
  if (!refusal_) settle();
  return MachineOutcome{std::move(events_), std::move(refusal_)};
}

}  // namespace rollguard
