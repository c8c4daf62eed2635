// The state machine's promotion rule (issue 22, item 5): with analyses, the last step promotes
// only once a successful measurement is on record; without one the rollback policy for an
// inconclusive result applies (pause by default). A person can still promote.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/machine/rollout_machine.hpp"
#include "support/machine_harness.hpp"
#include "support/specs.hpp"

namespace rollguard {
namespace promotion_evidence_machine {

using ::testing::HasSubstr;
using testing::MachineHarness;

// Timed steps only, watched by a background analysis no step waits for.
RolloutSpec background_only() {
  RolloutSpec spec = testing::canary_spec({SetWeightStep{20}, PauseStep{5min}, SetWeightStep{100}});
  spec.background = BackgroundAnalysis{{"errors"}, 0};
  spec.templates.front().inconclusiveLimit = 1000;
  return spec;
}

std::string background_id(const MachineHarness& h) {
  for (const AnalysisRequest& a : h.plan().analyses)
    if (a.kind == AnalysisKind::Background) return a.id;
  return {};
}

// Inconclusive measurements (too few requests) every 30 s through the five-minute pause.
void measure_nothing(MachineHarness& h) {
  h.converge();
  for (int i = 0; i < 10; ++i) {
    h.send(AnalysisProgress{background_id(h), false});
    h.advance(30s);
  }
  h.converge();
}

TEST(PromotionEvidenceMachine, NoSuccessfulMeasurementPausesInsteadOfPromoting) {
  MachineHarness h(background_only());
  measure_nothing(h);
  EXPECT_EQ(h.state.phase, Phase::Paused);
  EXPECT_EQ(h.state.pause, PauseReason::Inconclusive);
  EXPECT_THAT(h.state.message, HasSubstr("not promoting 2.0.0: no successful measurement"));
  EXPECT_EQ(h.state.knownGood, "1.0.0");
}

TEST(PromotionEvidenceMachine, OneSuccessfulMeasurementIsEnough) {
  MachineHarness h(background_only());
  h.converge();
  h.send(AnalysisProgress{background_id(h), true});
  measure_nothing(h);
  EXPECT_EQ(h.state.phase, Phase::Succeeded) << h.state.message;
  EXPECT_EQ(h.state.successfulMeasurements, 1);
}

TEST(PromotionEvidenceMachine, TheRollbackPolicyForInconclusiveApplies) {
  RolloutSpec spec = background_only();
  spec.rollback.onInconclusive = OnFailure::Rollback;
  MachineHarness h(spec);
  measure_nothing(h);
  EXPECT_EQ(h.state.phase, Phase::RolledBack) << h.state.message;
}

TEST(PromotionEvidenceMachine, APersonCanStillPromote) {
  MachineHarness full(background_only());
  full.converge();
  EXPECT_EQ(full.act(Action::Promote, true).refusal, std::nullopt);
  EXPECT_EQ(full.state.phase, Phase::Succeeded) << full.state.message;

  MachineHarness paused(background_only());
  measure_nothing(paused);
  ASSERT_EQ(paused.state.phase, Phase::Paused);
  EXPECT_EQ(paused.act(Action::Promote).refusal, std::nullopt);
  EXPECT_EQ(paused.state.phase, Phase::Succeeded) << paused.state.message;
}

TEST(PromotionEvidenceMachine, MeasurementsOfAnotherAnalysisOrABeforeRetryDoNotCount) {
  MachineHarness h(background_only());
  h.converge();
  h.send(AnalysisProgress{"background.99", true});  // not a current analysis
  EXPECT_EQ(h.state.successfulMeasurements, 0);
  h.send(AnalysisProgress{background_id(h), true});
  EXPECT_EQ(h.state.successfulMeasurements, 1);
  h.act(Action::Abort);
  ASSERT_EQ(h.state.phase, Phase::RolledBack);
  h.act(Action::Retry);
  EXPECT_EQ(h.state.successfulMeasurements, 0) << "a retry starts without evidence";
}

TEST(PromotionEvidenceMachine, WithoutAnalysesTimedStepsPromoteAsBefore) {
  MachineHarness h(testing::canary_spec({SetWeightStep{20}, PauseStep{5min}, SetWeightStep{100}}));
  h.converge();
  h.advance(5min);
  EXPECT_EQ(h.state.phase, Phase::Succeeded) << h.state.message;
}

TEST(PromotionEvidenceMachine, AStepAnalysisThatSucceededIsEvidence) {
  MachineHarness h(testing::canary_spec(
      {SetWeightStep{20}, AnalysisStep{testing::refs({"errors"})}, SetWeightStep{100}}));
  h.converge();
  h.finish_analyses(Verdict::Successful);
  EXPECT_EQ(h.state.phase, Phase::Succeeded) << h.state.message;
}

}  // namespace promotion_evidence_machine
}  // namespace rollguard
