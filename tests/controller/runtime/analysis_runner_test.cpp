// The analysis runner on a virtual clock, with the real outcome window the built-in router
// feeds: builtin metrics, the baseline comparison and the sequential judge between
// measurements.
#include "controller/runtime/analysis_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "health/providers/builtin/outcome_window.hpp"

namespace rollguard {
namespace {

using ::testing::HasSubstr;

AnalysisTemplate errors_template() {
  AnalysisTemplate t;
  t.name = "errors";
  t.interval = 10s;
  t.count = 3;
  t.minSamples = 50;
  t.metric = BuiltinMetric{BuiltinQuery::ErrorRate};
  t.successCondition = "result < 0.05";
  return t;
}

AnalysisTemplate sequential_template() {
  AnalysisTemplate t;
  t.name = "evidence";
  t.interval = 1min;
  t.metric = BuiltinMetric{BuiltinQuery::ErrorRate};
  t.compare = CompareSpec{
      CompareAgainst::Baseline, JudgeKind::Sequential, Direction::Increase, 1.2, 0.8, 0.99};
  return t;
}

class AnalysisRunnerTest : public ::testing::Test {
 protected:
  AnalysisRunnerTest() {
    spec_.metadata.name = "checkout";
    spec_.templates = {errors_template(), sequential_template()};
    AnalysisEnvironment env;
    env.spec = &spec_;
    env.stable_version = "1.0.0";
    env.canary_version = "2.0.0";
    env.outcomes = &outcomes_;
    env.post = [](std::function<void()> work) { work(); };
    runner_ = std::make_unique<AnalysisRunner>(
        std::move(env), [this](const std::string& id, bool) { ++progress_[id]; },
        [this](const std::string& id, Verdict v, const std::string& why) {
          verdicts_[id] = {v, why};
        });
  }

  // One second of traffic: `n` requests per role, `failed` of the canary's failing.
  void second_of_traffic(int n, int canary_failed, int baseline_failed = 0) {
    for (int i = 0; i < n; ++i) {
      outcomes_.record({Role::Canary, clock_.now(), i < canary_failed ? 500 : 200, 20ms, false});
      outcomes_.record(
          {Role::Baseline, clock_.now(), i < baseline_failed ? 500 : 200, 20ms, false});
    }
    clock_.advance(1s);
    runner_->poll(clock_.now());
  }

  RolloutSpec spec_;
  VirtualClock clock_{TimePoint{} + 1000h};
  OutcomeWindow outcomes_;
  std::unique_ptr<AnalysisRunner> runner_;
  std::map<std::string, int> progress_;
  std::map<std::string, std::pair<Verdict, std::string>> verdicts_;
};

TEST_F(AnalysisRunnerTest, MeasuresWhenDueAndSucceedsOnAHealthyCanary) {
  runner_->start(AnalysisRequest{"step2.0", AnalysisKind::Step, {"errors"}, false, std::nullopt},
                 clock_.now());
  EXPECT_EQ(runner_->next_due(), clock_.now() + 10s);  // the end of the first interval
  for (int s = 0; s < 35; ++s) second_of_traffic(20, 0);
  ASSERT_TRUE(verdicts_.contains("step2.0"));
  EXPECT_EQ(verdicts_["step2.0"].first, Verdict::Successful) << verdicts_["step2.0"].second;
  EXPECT_EQ(progress_["step2.0"], 3);
  EXPECT_FALSE(runner_->running("step2.0"));
}

TEST_F(AnalysisRunnerTest, TooLittleTrafficIsInconclusiveNeverSuccessful) {
  runner_->start(AnalysisRequest{"step2.0", AnalysisKind::Step, {"errors"}, false, std::nullopt},
                 clock_.now());
  for (int s = 0; s < 25; ++s) second_of_traffic(1, 0);
  ASSERT_TRUE(verdicts_.contains("step2.0"));
  EXPECT_EQ(verdicts_["step2.0"].first, Verdict::Inconclusive);
  EXPECT_THAT(verdicts_["step2.0"].second, HasSubstr("< minSamples 50"));
}

TEST_F(AnalysisRunnerTest, FailingCanaryFailsAtTheFirstMeasurementWithItsReason) {
  runner_->start(AnalysisRequest{"step2.0", AnalysisKind::Step, {"errors"}, false, std::nullopt},
                 clock_.now());
  for (int s = 0; s < 20 && !verdicts_.contains("step2.0"); ++s) second_of_traffic(20, 5);
  ASSERT_TRUE(verdicts_.contains("step2.0"));
  EXPECT_EQ(verdicts_["step2.0"].first, Verdict::Failed);
  EXPECT_THAT(verdicts_["step2.0"].second,
              HasSubstr("errors: error_rate 0.25 misses successCondition \"result < 0.05\""));
}

TEST_F(AnalysisRunnerTest, SequentialJudgeStopsABrokenCanaryWithinSeconds) {
  runner_->start(
      AnalysisRequest{"background.0", AnalysisKind::Background, {"evidence"}, false, std::nullopt},
      clock_.now());
  int seconds = 0;
  while (!verdicts_.contains("background.0") && seconds < 60) {
    second_of_traffic(50, 10);
    ++seconds;
  }
  ASSERT_TRUE(verdicts_.contains("background.0"));
  EXPECT_EQ(verdicts_["background.0"].first, Verdict::Failed);
  EXPECT_LE(seconds, 5) << "a 20% error rate against 0% needs a few seconds, not an interval";
}

TEST_F(AnalysisRunnerTest, SequentialJudgeStaysQuietWhenCanaryAndBaselineAgree) {
  runner_->start(
      AnalysisRequest{"background.0", AnalysisKind::Background, {"evidence"}, false, std::nullopt},
      clock_.now());
  for (int s = 0; s < 300; ++s) second_of_traffic(50, s % 7 == 0, s % 6 == 0);
  EXPECT_FALSE(verdicts_.contains("background.0"));
  EXPECT_TRUE(runner_->running("background.0"));
}

TEST_F(AnalysisRunnerTest, AStoppedRunReportsNothing) {
  runner_->start(AnalysisRequest{"step2.0", AnalysisKind::Step, {"errors"}, false, std::nullopt},
                 clock_.now());
  runner_->stop("step2.0");
  for (int s = 0; s < 25; ++s) second_of_traffic(20, 10);
  EXPECT_TRUE(verdicts_.empty());
}

TEST_F(AnalysisRunnerTest, AnUnknownTemplateIsAnErrorVerdict) {
  runner_->start(AnalysisRequest{"step2.0", AnalysisKind::Step, {"nope"}, false, std::nullopt},
                 clock_.now());
  ASSERT_TRUE(verdicts_.contains("step2.0"));
  EXPECT_EQ(verdicts_["step2.0"].first, Verdict::Error);
}

}  // namespace
}  // namespace rollguard
