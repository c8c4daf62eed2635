#pragma once
// One application of one input to one rollout state (internal to the state machine; split
// from rollout_machine.cpp so that operator actions have a file of their own).
#include "controller/machine/rollout_machine.hpp"

namespace rollguard {

class RolloutMachine::Transition {
 public:
  Transition(const RolloutMachine& machine, RolloutState& state, TimePoint now)
      : m_(machine), s_(state), now_(now) {}

  void operator()(const Tick&);
  void operator()(const InstancesReady& in);
  void operator()(const InstancesFailed& in);
  void operator()(const TrafficApplied& in);
  void operator()(const TrafficFailed& in);
  void operator()(const AnalysisProgress& in);
  void operator()(const AnalysisCompleted& in);
  void operator()(const ProbeFailed& in);
  void operator()(const OperatorCommand& in);  // operator_actions.cpp

  MachineOutcome finish();

 private:
  const Planner& planner() const { return m_.planner_; }
  bool active() const;  // Pending, Progressing or Paused: the change is being rolled out
  void emit(EventKind kind, std::string reason, std::string actor = {});
  void enter(Phase phase, std::string reason, std::string actor = {});
  void start_step(std::size_t step);
  void settle();
  void succeed();
  void start_rollback(std::string reason, std::string actor = {});
  void pause(PauseReason why, std::string reason, std::string actor = {});
  // Applies the rollback policy for a bad verdict (Failed, Inconclusive or Error).
  void on_bad(Verdict verdict, std::string reason);
  void check_deadlines();

  // Operator actions (operator_actions.cpp).
  void promote(bool full, const std::string& actor);
  void abort(const std::string& actor);
  void pause_by(const std::string& actor);
  void resume(const std::string& actor);
  void retry(const std::string& actor);
  void undo(const std::string& actor);
  void refuse(std::string why) { refusal_ = std::move(why); }

  const RolloutMachine& m_;
  RolloutState& s_;
  const TimePoint now_;
  Events events_;
  std::optional<std::string> refusal_;
};

}  // namespace rollguard
