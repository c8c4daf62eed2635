#pragma once
// A rollout in an ideal world on a virtual clock: instances come up when planned, the router
// confirms every split, analyses take the time their templates say and give the verdicts the
// caller chose. It runs the real planner and state machine; `rollguard plan` prints it and the
// state-machine tests drive it step by step (with faults switched on where they need them).
#include <functional>
#include <optional>
#include <string>

#include "controller/machine/rollout_machine.hpp"

namespace rollguard {

class DryRun {
 public:
  explicit DryRun(const RolloutSpec& spec, std::string known_good = "1.0.0");

  MachineOutcome send(const MachineInput& input);
  void converge();  // makes the world match the plan until it stops changing
  void advance(Duration d);
  void finish_analyses(Verdict verdict, const std::string& reason = "errors: result 0");
  MachineOutcome act(Action action, bool full = false, const std::string& actor = "alice");
  Plan plan() const { return machine.plan(state, clock.now()); }

  // Runs to a terminal phase: each analysis completes when its templates would (initialDelay
  // + count intervals, or at the end of its bake) with the verdict `verdict_for` gives
  // (step number, 1-based), and pauses that wait for `promote` are promoted at once.
  void run_to_end(const std::function<Verdict(std::size_t step)>& verdict_for,
                  Duration give_up_after = 24h);

  const RolloutSpec spec;
  VirtualClock clock;
  RolloutMachine machine;
  RolloutState state;
  Events events;
  // Faults, for tests: a router that does not answer, instances that never start.
  bool router_up = true;
  bool new_instances_start = true;

 private:
  Duration analysis_time(const AnalysisRequest& request) const;
  bool router_failure_reported_ = false;
};

}  // namespace rollguard
