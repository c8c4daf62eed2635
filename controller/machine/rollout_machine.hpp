#pragma once
// The rollout state machine (docs/architecture.md): pure, driven by inputs and `now`.
//   Pending -> Progressing <-> Paused -> Succeeded
//                             \-> RollingBack -> RolledBack   (or -> Failed: a person must act)
// Rules it keeps: RolledBack only after a split of 100% stable was verified after the
// rollback began; the known-good version changes only on Succeeded (and `undo`, which puts
// the previous known-good back); an action that makes no sense in the phase is refused.
#include <optional>
#include <string>

#include "controller/machine/event.hpp"
#include "controller/machine/machine_input.hpp"
#include "manifests/rollout_spec.hpp"
#include "strategies/planner.hpp"

namespace rollguard {

struct MachineOutcome {
  Events events;
  std::optional<std::string> refusal;  // set: the action was refused and nothing changed
};

class RolloutMachine {
 public:
  explicit RolloutMachine(const RolloutSpec& spec);

  // A new revision: `knownGood` serves, `spec.canary` is about to start.
  RolloutState begin(const std::string& known_good, TimePoint now) const;

  MachineOutcome apply(RolloutState& s, const MachineInput& input, TimePoint now) const;
  Plan plan(const RolloutState& s, TimePoint now) const { return planner_.plan(s, now); }
  const Planner& planner() const { return planner_; }

 private:
  class Transition;  // one application of one input; defined in rollout_machine.cpp
  friend class Transition;

  Planner planner_;
  std::string canary_version_;
};

}  // namespace rollguard
