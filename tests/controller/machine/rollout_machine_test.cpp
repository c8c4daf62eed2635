// Every transition of the rollout state machine, as named scripts run against an ideal world.
#include "controller/machine/rollout_machine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "support/machine_harness.hpp"
#include "support/specs.hpp"

namespace rollguard {
namespace {

using testing::base_spec;
using testing::canary_spec;
using ::testing::HasSubstr;
using testing::MachineHarness;
using testing::refs;

RolloutSpec canary_with_gates() {
  return canary_spec({SetWeightStep{5}, PauseStep{30s}, AnalysisStep{refs({"errors"})},
                      SetWeightStep{25}, PauseStep{}, SetWeightStep{100}},
                     true);
}

RolloutSpec with_policy(RolloutSpec spec, OnFailure failure, OnFailure inconclusive,
                        OnFailure error) {
  spec.rollback.onFailure = failure;
  spec.rollback.onInconclusive = inconclusive;
  spec.rollback.onError = error;
  return spec;
}

RolloutSpec with_background(RolloutSpec spec, int starting_step) {
  spec.background = BackgroundAnalysis{{"latency"}, starting_step};
  return spec;
}

// Walks the canary to its analysis step (step 3).
void to_analysis(MachineHarness& h) {
  h.converge();
  h.advance(30s);
}

struct Script {
  std::string name;
  RolloutSpec spec;
  std::function<void(MachineHarness&)> run;
  Phase phase;
  std::string reason;  // a substring of the final state's message
  TrafficSplit applied;
  std::string knownGood;
};

void PrintTo(const Script& s, std::ostream* os) {
  *os << s.name;
}

class Transitions : public ::testing::TestWithParam<Script> {};

TEST_P(Transitions, EndWhereTheyShould) {
  const Script& c = GetParam();
  MachineHarness h(c.spec);
  c.run(h);
  EXPECT_EQ(h.state.phase, c.phase) << to_string(h.state.phase) << ": " << h.state.message;
  EXPECT_THAT(h.state.message, HasSubstr(c.reason));
  EXPECT_EQ(h.state.applied, c.applied);
  EXPECT_EQ(h.state.knownGood, c.knownGood);
}

const TrafficSplit kStable{100, 0, 0};
const TrafficSplit kNew{0, 100, 0};

INSTANTIATE_TEST_SUITE_P(
    Machine, Transitions,
    ::testing::Values(
        Script{"PendingUntilTheCanaryIsReady", canary_with_gates(),
               [](MachineHarness& h) { h.new_instances_start = false; h.converge(); },
               Phase::Pending, "starting 2.0.0", kStable, "1.0.0"},
        Script{"HappyCanaryIsPromoted", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Successful);
                 ASSERT_EQ(h.state.phase, Phase::Paused);  // pause {} waits for promote
                 h.act(Action::Promote);
               },
               Phase::Succeeded, "2.0.0 promoted", kNew, "2.0.0"},
        Script{"TimedPauseWaitsItsTime", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.advance(29s);
                 EXPECT_EQ(h.state.step, 1u);
                 h.advance(1s);
                 EXPECT_EQ(h.state.step, 2u);
               },
               Phase::Progressing, "starting the rollout", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"FailedAnalysisRollsBack", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Failed, "errors: canary error_rate 0.2 >= 0.05");
               },
               Phase::RolledBack, "errors: canary error_rate 0.2 >= 0.05", kStable, "1.0.0"},
        Script{"InconclusivePausesByDefault", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Inconclusive, "errors: 12 requests < minSamples 50");
               },
               Phase::Paused, "minSamples", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"ResumeAfterInconclusiveRunsTheAnalysisAgain", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Inconclusive, "too little data");
                 const std::string first = h.plan().label;
                 h.act(Action::Resume);
                 ASSERT_EQ(h.plan().analyses.size(), 1u);
                 EXPECT_EQ(h.plan().analyses[0].id, "step3.1");
                 h.finish_analyses(Verdict::Successful);
               },
               Phase::Paused, "waiting for promote", TrafficSplit{50, 25, 25}, "1.0.0"},
        Script{"OnInconclusiveRollback",
               with_policy(canary_with_gates(), OnFailure::Rollback, OnFailure::Rollback,
                           OnFailure::Rollback),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Inconclusive, "too little data");
               },
               Phase::RolledBack, "too little data", kStable, "1.0.0"},
        Script{"OnFailurePause",
               with_policy(canary_with_gates(), OnFailure::Pause, OnFailure::Pause,
                           OnFailure::Pause),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Failed, "errors failed");
               },
               Phase::Paused, "errors failed", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"ProviderErrorsRollBack", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.finish_analyses(Verdict::Error, "prometheus: connection refused");
               },
               Phase::RolledBack, "connection refused", kStable, "1.0.0"},
        Script{"CanaryNeverReadyFailsAtTheDeadline", canary_with_gates(),
               [](MachineHarness& h) {
                 h.new_instances_start = false;
                 h.converge();
                 h.advance(9min);
                 EXPECT_EQ(h.state.phase, Phase::Pending);
                 h.advance(1min);
               },
               Phase::RolledBack, "no progress for 10m (progressDeadline) at waiting for 2.0.0",
               kStable, "1.0.0"},
        Script{"StuckAnalysisFailsAtTheDeadline", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.advance(10min);
               },
               Phase::RolledBack, "no progress for 10m (progressDeadline) at step 3/6", kStable,
               "1.0.0"},
        Script{"MeasurementsCountAsProgress", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.advance(9min);
                 h.send(AnalysisProgress{"step3.0"});
                 h.advance(9min);
               },
               Phase::Progressing, "starting the rollout", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"LongTimedPauseIsNotADeadlineMiss",
               canary_spec({SetWeightStep{10}, PauseStep{1h}}),
               [](MachineHarness& h) {
                 h.converge();
                 h.advance(59min);
                 EXPECT_EQ(h.state.phase, Phase::Progressing);
                 h.advance(1min);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"RollbackNeverReportedWithoutVerifiedTraffic", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.router_up = false;
                 h.finish_analyses(Verdict::Failed, "errors failed");
                 EXPECT_EQ(h.state.phase, Phase::RollingBack);
                 h.advance(5min);
                 EXPECT_EQ(h.state.phase, Phase::RollingBack);
                 h.advance(5min);
               },
               Phase::Failed, "rollback not verified within 10m", TrafficSplit{90, 5, 5},
               "1.0.0"},
        Script{"RollbackCompletesOnceTheRouterAnswers", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.router_up = false;
                 h.finish_analyses(Verdict::Failed, "errors failed");
                 h.advance(3min);
                 h.router_up = true;
                 h.advance(1s);
               },
               Phase::RolledBack, "1.0.0 serves 100% (verified)", kStable, "1.0.0"},
        Script{"FailedCanaryProbeRollsBack", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.send(ProbeFailed{Role::Canary, "probe alive failed 3 times in a row"});
                 h.converge();
               },
               Phase::RolledBack, "probe alive failed 3 times", kStable, "1.0.0"},
        Script{"FailedStableProbeIsOnlyNoted", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.send(ProbeFailed{Role::Stable, "probe alive failed"});
                 EXPECT_THAT(h.events.back().reason, HasSubstr("stable: probe alive failed"));
               },
               Phase::Progressing, "starting the rollout", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"FailingStableIsNotedAndNamedInTheMessage", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.send(InstancesFailed{Role::Stable, "no free port in 100-101"});
                 EXPECT_EQ(h.events.back().kind, EventKind::Note);
                 EXPECT_EQ(h.events.back().reason, "stable 1.0.0: no free port in 100-101");
               },
               Phase::Progressing, "stable 1.0.0: no free port", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"DyingCanaryRollsBack", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.send(InstancesFailed{Role::Canary, "instance 0 exited with status 139"});
                 h.converge();
               },
               Phase::RolledBack, "canary 2.0.0: instance 0 exited with status 139", kStable,
               "1.0.0"},
        Script{"BackgroundAnalysisFailureRollsBack", with_background(canary_with_gates(), 2),
               [](MachineHarness& h) {
                 h.converge();
                 EXPECT_TRUE(h.plan().analyses.empty());  // starts at step index 2
                 h.advance(30s);
                 ASSERT_EQ(h.plan().analyses.size(), 2u);
                 h.send(AnalysisCompleted{"background.0", Verdict::Failed, "latency p99 3x"});
                 h.converge();
               },
               Phase::RolledBack, "latency p99 3x", kStable, "1.0.0"},
        Script{"StaleAnalysisResultIsIgnored", canary_with_gates(),
               [](MachineHarness& h) {
                 to_analysis(h);
                 h.send(AnalysisCompleted{"step3.7", Verdict::Failed, "old run"});
                 h.send(AnalysisCompleted{"background.0", Verdict::Failed, "not running"});
                 h.converge();
               },
               Phase::Progressing, "starting the rollout", TrafficSplit{90, 5, 5}, "1.0.0"},
        Script{"BlueGreenManualPromotion",
               base_spec(BlueGreenStrategy{false, refs({"flow"}), refs({"errors"})}),
               [](MachineHarness& h) {
                 h.converge();
                 EXPECT_TRUE(h.state.previewApplied);
                 ASSERT_EQ(h.plan().analyses.size(), 1u);
                 EXPECT_TRUE(h.plan().analyses[0].viaPreview);
                 h.finish_analyses(Verdict::Successful);
                 EXPECT_EQ(h.state.phase, Phase::Paused);
                 h.act(Action::Promote);
                 EXPECT_EQ(h.state.applied, (TrafficSplit{0, 100, 0}));
                 EXPECT_EQ(h.state.phase, Phase::Progressing);  // post-promotion analysis
                 h.finish_analyses(Verdict::Successful);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"BlueGreenPostPromotionFailureSwitchesBack",
               base_spec(BlueGreenStrategy{true, std::nullopt, refs({"errors"})}),
               [](MachineHarness& h) {
                 h.converge();
                 EXPECT_EQ(h.state.applied, (TrafficSplit{0, 100, 0}));
                 EXPECT_EQ(h.plan().instances.stable, 2);  // the previous one is still warm
                 h.finish_analyses(Verdict::Failed, "errors after the switch");
               },
               Phase::RolledBack, "errors after the switch", kStable, "1.0.0"},
        Script{"LinearReachesAllAfterItsIntervals", base_spec(LinearStrategy{25, 1min}),
               [](MachineHarness& h) {
                 h.converge();
                 for (int i = 0; i < 2; ++i) h.advance(1min);
                 EXPECT_EQ(h.state.applied, (TrafficSplit{25, 75, 0}));
                 h.advance(1min);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"AllAtOnceBakesBeforeSucceeding", base_spec(AllAtOnceStrategy{10min}),
               [](MachineHarness& h) {
                 h.converge();
                 EXPECT_EQ(h.state.phase, Phase::Progressing);
                 h.advance(10min);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"OneBoxGrowsTheFleetBeforeTheSwitch",
               base_spec(OneBoxStrategy{std::nullopt, 30min, refs({"errors"})}, 3),
               [](MachineHarness& h) {
                 h.converge();
                 EXPECT_EQ(h.state.ready.canary, 1);
                 h.advance(30min);
                 EXPECT_EQ(h.state.phase, Phase::Progressing);  // the bake's analysis is due
                 h.finish_analyses(Verdict::Successful);
                 EXPECT_EQ(h.state.ready.canary, 3);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"FullPromotionSkipsEverything", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.act(Action::Promote, true);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"AbortRollsBack", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.act(Action::Abort);
               },
               Phase::RolledBack, "aborted by alice", kStable, "1.0.0"},
        Script{"RetryAfterRollbackStartsOver", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.act(Action::Abort);
                 h.act(Action::Retry);
                 EXPECT_EQ(h.state.step, 1u);  // setWeight 5 done again, pausing 30s
                 h.advance(30s);
                 ASSERT_EQ(h.plan().analyses.size(), 1u);
                 EXPECT_EQ(h.plan().analyses[0].id, "step3.1");
                 h.finish_analyses(Verdict::Successful);
                 h.act(Action::Promote);
               },
               Phase::Succeeded, "promoted", kNew, "2.0.0"},
        Script{"RetryAfterFailedRollbackTriesAgain", canary_with_gates(),
               [](MachineHarness& h) {
                 h.converge();
                 h.router_up = false;
                 h.act(Action::Abort);
                 h.advance(10min);
                 ASSERT_EQ(h.state.phase, Phase::Failed);
                 h.router_up = true;
                 h.act(Action::Retry);
               },
               Phase::RolledBack, "rollback retried by alice", kStable, "1.0.0"},
        Script{"UndoPutsThePreviousVersionBack", base_spec(AllAtOnceStrategy{1min}),
               [](MachineHarness& h) {
                 h.converge();
                 h.advance(1min);
                 ASSERT_EQ(h.state.phase, Phase::Succeeded);
                 h.act(Action::Undo);
               },
               Phase::RolledBack, "undo by alice: back to 1.0.0", kStable, "1.0.0"}),
    [](const auto& info) { return info.param.name; });

TEST(RolloutMachine, SucceededReleasesThePreviousEnvironmentAfterKeepPreviousFor) {
  MachineHarness h(base_spec(AllAtOnceStrategy{1min}));
  h.converge();
  h.advance(1min);
  ASSERT_EQ(h.state.phase, Phase::Succeeded);
  Plan plan = h.plan();
  EXPECT_EQ(plan.instances, (RoleCounts{2, 2, 0}));
  EXPECT_EQ(plan.wakeAt, h.state.completedAt + 10min);
  h.advance(10min);
  EXPECT_EQ(h.plan().instances, (RoleCounts{0, 2, 0}));
  EXPECT_EQ(h.plan().wakeAt, std::nullopt);
}

TEST(RolloutMachine, EveryTransitionIsAnEventWithAReason) {
  MachineHarness h(canary_with_gates());
  to_analysis(h);
  h.finish_analyses(Verdict::Failed, "errors: canary error_rate 0.2 >= 0.05");
  std::vector<Phase> phases;
  for (const Event& e : h.events) {
    EXPECT_FALSE(e.reason.empty());
    if (e.kind == EventKind::PhaseChanged) phases.push_back(e.phase);
  }
  EXPECT_EQ(phases,
            (std::vector<Phase>{Phase::Progressing, Phase::RollingBack, Phase::RolledBack}));
}

TEST(RolloutMachine, RolledBackOnlyAfterATrafficReportFromTheRouter) {
  MachineHarness h(canary_with_gates());
  h.new_instances_start = false;
  h.converge();
  h.send(OperatorCommand{Action::Abort, false, "alice"});
  // Traffic never moved, but the router must still confirm it.
  EXPECT_EQ(h.state.phase, Phase::RollingBack);
  h.send(Tick{});
  EXPECT_EQ(h.state.phase, Phase::RollingBack);
  h.send(TrafficApplied{TrafficSplit{100, 0, 0}, false});
  EXPECT_EQ(h.state.phase, Phase::RolledBack);
}

}  // namespace
}  // namespace rollguard
