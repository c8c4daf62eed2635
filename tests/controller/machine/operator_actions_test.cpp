// Every operator action in every phase: applied, or refused with a reason and no change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "controller/machine/rollout_machine.hpp"
#include "support/machine_harness.hpp"
#include "support/specs.hpp"

namespace rollguard {
namespace {

using testing::canary_spec;
using testing::MachineHarness;
using testing::refs;

RolloutSpec spec() {
  return canary_spec({SetWeightStep{10}, PauseStep{}, AnalysisStep{refs({"errors"})},
                      SetWeightStep{50}, PauseStep{1min}});
}

struct Situation {
  std::string name;
  std::function<void(MachineHarness&)> reach;
  Phase phase;
  // One letter per action, in the order of kActions: A applied, R refused.
  std::string expected;
};

const std::vector<OperatorCommand> kActions{
    {Action::Promote, false, "bob"}, {Action::Promote, true, "bob"}, {Action::Abort, false, "bob"},
    {Action::Pause, false, "bob"},   {Action::Resume, false, "bob"}, {Action::Retry, false, "bob"},
    {Action::Undo, false, "bob"}};

void PrintTo(const Situation& s, std::ostream* os) {
  *os << s.name;
}

class OperatorActions : public ::testing::TestWithParam<Situation> {};

TEST_P(OperatorActions, AreAppliedOrRefusedWithAReason) {
  const Situation& c = GetParam();
  ASSERT_EQ(c.expected.size(), kActions.size());
  for (std::size_t i = 0; i < kActions.size(); ++i) {
    MachineHarness h(spec());
    c.reach(h);
    ASSERT_EQ(h.state.phase, c.phase) << h.state.message;
    const RolloutState before = h.state;
    const OperatorCommand& command = kActions[i];
    const MachineOutcome out = h.send(command);
    const std::string action =
        std::string(to_string(command.action)) + (command.full ? " --full" : "");
    if (c.expected[i] == 'R') {
      ASSERT_TRUE(out.refusal.has_value()) << action << " was applied";
      EXPECT_THAT(*out.refusal,
                  ::testing::StartsWith("cannot " + std::string(to_string(command.action))));
      EXPECT_TRUE(out.events.empty()) << action;
      EXPECT_EQ(h.state, before) << action << " changed the state although refused";
    } else {
      EXPECT_FALSE(out.refusal.has_value()) << action << ": " << out.refusal.value_or("");
      ASSERT_FALSE(out.events.empty()) << action;
      EXPECT_EQ(out.events.front().actor, "bob") << action;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryPhase, OperatorActions,
    ::testing::Values(
        //                                                          promote full abort pause resume
        //                                                          retry undo
        Situation{"Pending",
                  [](MachineHarness& h) {
                    h.new_instances_start = false;
                    h.converge();
                  },
                  Phase::Pending, "RRARRRR"},
        Situation{"Progressing",
                  [](MachineHarness& h) {
                    h.converge();
                    h.act(Action::Promote);  // past the indefinite pause, to the analysis
                  },
                  Phase::Progressing, "AAAARRR"},
        Situation{"PausedAtAStep", [](MachineHarness& h) { h.converge(); }, Phase::Paused,
                  "AAARRRR"},
        Situation{"PausedByAnOperator",
                  [](MachineHarness& h) {
                    h.converge();
                    h.act(Action::Promote);
                    h.act(Action::Pause);
                  },
                  Phase::Paused, "AAARARR"},
        Situation{"PausedInconclusive",
                  [](MachineHarness& h) {
                    h.converge();
                    h.act(Action::Promote);
                    h.finish_analyses(Verdict::Inconclusive, "too few requests");
                  },
                  Phase::Paused, "AAARARR"},
        Situation{"RollingBack",
                  [](MachineHarness& h) {
                    h.converge();
                    h.router_up = false;
                    h.act(Action::Abort);
                  },
                  Phase::RollingBack, "RRRRRRR"},
        Situation{"RolledBack",
                  [](MachineHarness& h) {
                    h.converge();
                    h.act(Action::Abort);
                  },
                  Phase::RolledBack, "RRRRRAR"},
        Situation{"Succeeded",
                  [](MachineHarness& h) {
                    h.converge();
                    h.act(Action::Promote, true);
                  },
                  Phase::Succeeded, "RRRRRRA"},
        Situation{"Failed",
                  [](MachineHarness& h) {
                    h.converge();
                    h.router_up = false;
                    h.act(Action::Abort);
                    h.advance(10min);
                  },
                  Phase::Failed, "RRRRRAR"}),
    [](const auto& info) { return info.param.name; });

TEST(OperatorActions, RefusalsSayWhatToDoInstead) {
  MachineHarness h(spec());
  h.converge();
  h.act(Action::Abort);
  EXPECT_EQ(*h.send(OperatorCommand{Action::Promote, false, "bob"}).refusal,
            "cannot promote: the rollout is RolledBack; use retry to roll the change out again");
  MachineHarness running(spec());
  running.converge();
  EXPECT_EQ(*running.send(OperatorCommand{Action::Undo, false, "bob"}).refusal,
            "cannot undo: the rollout is Paused; use abort to roll back a rollout in progress");
  EXPECT_EQ(*running.send(OperatorCommand{Action::Resume, false, "bob"}).refusal,
            "cannot resume: step 2/6: pause until promoted waits for promote");
}

}  // namespace
}  // namespace rollguard
