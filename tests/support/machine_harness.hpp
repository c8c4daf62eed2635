#pragma once
// Drives the pure RolloutMachine the way an ideal reconciler would: instances come up when the
// plan wants them, the router applies the planned split (or fails, when told to), time moves
// only when the test moves it. The machine under test is real; only the world is simulated.
#include <string>

#include "controller/rollout_machine.hpp"
#include "manifests/time.hpp"

namespace rollguard::testing {

class MachineHarness {
 public:
  explicit MachineHarness(const RolloutSpec& spec, std::string known_good = "1.0.0")
      : machine(spec), state(machine.begin(known_good, clock.now())) {}

  MachineOutcome send(const MachineInput& input) {
    MachineOutcome out = machine.apply(state, input, clock.now());
    events.insert(events.end(), out.events.begin(), out.events.end());
    return out;
  }

  // Makes the world match the plan until it stops changing.
  void converge() {
    if (state.phase == Phase::Failed) return;  // a person must act; the controller does not
    for (int round = 0; round < 64; ++round) {
      const Plan plan = machine.plan(state, clock.now());
      bool acted = false;
      for (Role role : kRoles) {
        if (role != Role::Stable && !new_instances_start) continue;
        if (plan.instances[role] > state.ready[role]) {
          send(InstancesReady{role, plan.instances[role]});
          acted = true;
        }
      }
      // A rollback is confirmed by the router every time, even where traffic never moved.
      const bool verify = state.phase == Phase::RollingBack;
      if (verify || !(plan.traffic == state.applied) || plan.preview != state.previewApplied) {
        if (!router_up) {
          if (!router_failure_reported) send(TrafficFailed{"connect: connection refused"});
          router_failure_reported = true;
          return;
        }
        send(TrafficApplied{plan.traffic, plan.preview});
        acted = true;
      }
      if (!acted) return;
    }
  }

  void advance(Duration d) {
    clock.advance(d);
    router_failure_reported = false;
    send(Tick{});
    converge();
  }

  // Answers every analysis the plan wants running with `verdict`.
  void finish_analyses(Verdict verdict, const std::string& reason = "errors: result 0") {
    for (const AnalysisRequest& a : machine.plan(state, clock.now()).analyses) {
      send(AnalysisCompleted{a.id, verdict, reason});
    }
    converge();
  }

  MachineOutcome act(Action action, bool full = false) {
    MachineOutcome out = send(OperatorCommand{action, full, "alice"});
    converge();
    return out;
  }

  Plan plan() const { return machine.plan(state, clock.now()); }

  VirtualClock clock;
  RolloutMachine machine;
  RolloutState state;
  Events events;
  bool router_up = true;
  bool router_failure_reported = false;
  bool new_instances_start = true;
};

}  // namespace rollguard::testing
