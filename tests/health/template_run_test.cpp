#include "health/template_run.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "health/analysis_run.hpp"

namespace rollguard {
namespace {

using ::testing::HasSubstr;

const TimePoint kStart = TimePoint{} + 1h;

AnalysisTemplate tmpl(std::optional<int> count, std::optional<Duration> interval) {
  AnalysisTemplate t;
  t.name = "errors";
  t.metric = BuiltinMetric{};
  t.successCondition = "result < 0.01";
  t.count = count;
  t.interval = interval;
  t.initialDelay = 5s;
  return t;
}

TemplateRun run_of(const AnalysisTemplate& t, std::optional<TimePoint> ends = std::nullopt) {
  return TemplateRun(std::get<CompiledTemplate>(CompiledTemplate::compile(t)), kStart, ends);
}

Measurement at_due(const TemplateRun& run, Verdict v) {
  Measurement m;
  m.at = *run.next_due();
  m.verdict = v;
  m.reason = "error_rate " + std::string(to_string(v));
  return m;
}

struct TemplateRunCase {
  std::string name;
  AnalysisTemplate spec;
  std::string verdicts;  // S F I E, one measurement each, taken when due
  bool end_after = false;
  std::optional<Verdict> expected;
  std::string explanation;
};

void PrintTo(const TemplateRunCase& c, std::ostream* os) {
  *os << c.name;
}

AnalysisTemplate with_limits(AnalysisTemplate t, int failures, int inconclusive, int errors) {
  t.failureLimit = failures;
  t.inconclusiveLimit = inconclusive;
  t.consecutiveErrorLimit = errors;
  return t;
}

class TemplateRuns : public ::testing::TestWithParam<TemplateRunCase> {};

TEST_P(TemplateRuns, FollowTheTemplateSemantics) {
  const TemplateRunCase& c = GetParam();
  TemplateRun run = run_of(c.spec);
  for (char v : c.verdicts) {
    ASSERT_TRUE(run.next_due().has_value()) << "a measurement was due";
    const Verdict verdict = v == 'S'   ? Verdict::Successful
                            : v == 'F' ? Verdict::Failed
                            : v == 'I' ? Verdict::Inconclusive
                                       : Verdict::Error;
    run.record(at_due(run, verdict));
  }
  if (c.end_after) run.end();
  EXPECT_EQ(run.verdict(), c.expected) << run.explanation();
  EXPECT_THAT(run.explanation(), HasSubstr(c.explanation));
}

INSTANTIATE_TEST_SUITE_P(
    Semantics, TemplateRuns,
    ::testing::Values(
        TemplateRunCase{"CountOfSuccesses", tmpl(3, 10s), "SSS", false, Verdict::Successful,
                        "errors: error_rate Successful; 3 successful measurements of 3"},
        TemplateRunCase{"StillRunning", tmpl(3, 10s), "SS", false, std::nullopt,
                        "(2 of 3 measurements)"},
        TemplateRunCase{"OneFailureOverLimitZero", tmpl(6, 10s), "SF", false, Verdict::Failed,
                        "error_rate Failed; 1 failure > failureLimit 0"},
        TemplateRunCase{"FailureWithinTheLimit", with_limits(tmpl(3, 10s), 1, 0, 4), "SFS", false,
                        Verdict::Successful, "2 successful measurements of 3"},
        TemplateRunCase{"InconclusiveOverTheLimit", tmpl(3, 10s), "I", false, Verdict::Inconclusive,
                        "1 inconclusive > inconclusiveLimit 0"},
        TemplateRunCase{"ErrorsMustBeConsecutive", with_limits(tmpl(6, 10s), 0, 0, 2), "EESEE",
                        false, std::nullopt, "5 of 6"},
        TemplateRunCase{"ConsecutiveErrorsOverTheLimit", with_limits(tmpl(6, 10s), 0, 0, 2), "SEEE",
                        false, Verdict::Error, "3 consecutive errors > consecutiveErrorLimit 2"},
        TemplateRunCase{"OnlyErrorsIsNeverASuccess", with_limits(tmpl(2, 10s), 0, 0, 4), "EE",
                        false, Verdict::Error, "no successful measurement"},
        TemplateRunCase{"NoCountNoIntervalIsOneMeasurement", tmpl(std::nullopt, std::nullopt), "S",
                        false, Verdict::Successful, "1 successful measurement of 1"},
        TemplateRunCase{"UntilTheEnd", tmpl(std::nullopt, 10s), "SSSS", true, Verdict::Successful,
                        "4 successful measurements of 4"},
        TemplateRunCase{"EndWithoutAnyMeasurement", tmpl(std::nullopt, 10s), "", true,
                        Verdict::Inconclusive, "no measurement before the step ended"},
        TemplateRunCase{"EndBeforeTheCount", tmpl(6, 10s), "SS", true, Verdict::Inconclusive,
                        "only 2 of 6 measurements before the step ended"}),
    [](const auto& info) { return info.param.name; });

TEST(TemplateRun, SchedulesInitialDelayThenEveryInterval) {
  TemplateRun run = run_of(tmpl(3, 10s));
  EXPECT_EQ(run.next_due(), kStart + 15s);  // initialDelay, then the first interval's end
  run.record(at_due(run, Verdict::Successful));
  EXPECT_EQ(run.next_due(), kStart + 25s);
  run.record(at_due(run, Verdict::Successful));
  run.record(at_due(run, Verdict::Successful));
  EXPECT_EQ(run.next_due(), std::nullopt);
}

TEST(TemplateRun, NoMeasurementIsDueAtOrAfterTheEnd) {
  TemplateRun run = run_of(tmpl(std::nullopt, 10s), kStart + 30s);
  run.record(at_due(run, Verdict::Successful));  // at 15s
  run.record(at_due(run, Verdict::Successful));  // at 25s
  EXPECT_EQ(run.next_due(), std::nullopt);       // 35s is past the end
}

TEST(TemplateRun, SequentialJudgeStopsABrokenCanaryBetweenMeasurements) {
  AnalysisTemplate t = tmpl(6, 1min);
  t.successCondition.reset();
  t.compare = CompareSpec{
      CompareAgainst::Baseline, JudgeKind::Sequential, Direction::Increase, 1.2, 0.8, 0.99};
  TemplateRun run = run_of(t);
  // One second of traffic at a 10% canary weight, 500 rps: 50 canary requests with 10
  // failures (20%), 450 baseline requests with none.
  int seconds = 0;
  while (!run.verdict() && seconds < 30) {
    run.observe_outcomes(50, 10, 450, seconds % 2, kStart + std::chrono::seconds(seconds));
    ++seconds;
  }
  EXPECT_EQ(run.verdict(), Verdict::Failed);
  EXPECT_LE(seconds, 3) << "the evidence needs only a few seconds of a 20% error rate";
  EXPECT_THAT(run.explanation(), HasSubstr("errors: error_rate: canary 0.2"));
  EXPECT_EQ(run.measured(), 0);  // no scheduled measurement was needed
}

TEST(TemplateRun, SequentialJudgeStaysQuietOnAHealthyCanary) {
  AnalysisTemplate t = tmpl(6, 1min);
  t.compare = CompareSpec{
      CompareAgainst::Baseline, JudgeKind::Sequential, Direction::Increase, 1.2, 0.8, 0.99};
  TemplateRun run = run_of(t);
  for (int s = 0; s < 600; ++s) run.observe_outcomes(50, s % 10 == 0, 450, s % 2, kStart);
  EXPECT_EQ(run.verdict(), std::nullopt);
}

RolloutSpec two_templates() {
  RolloutSpec spec;
  spec.templates = {tmpl(2, 10s), tmpl(2, 10s)};
  spec.templates[1].name = "latency";
  return spec;
}

TEST(AnalysisRun, IsTheWorstOfItsTemplatesAndFailsEarly) {
  auto started =
      AnalysisRun::start(two_templates(), "step3.0", {"errors", "latency"}, kStart, std::nullopt);
  ASSERT_TRUE(std::holds_alternative<AnalysisRun>(started));
  AnalysisRun run = std::get<AnalysisRun>(std::move(started));
  EXPECT_EQ(run.next_due(), kStart + 15s);
  run.templates()[0].record(at_due(run.templates()[0], Verdict::Successful));
  EXPECT_EQ(run.verdict(), std::nullopt);
  run.templates()[1].record(at_due(run.templates()[1], Verdict::Failed));
  EXPECT_EQ(run.verdict(), Verdict::Failed);  // without waiting for errors' second one
  EXPECT_THAT(run.explanation(),
              HasSubstr("latency: error_rate Failed; 1 failure > failureLimit 0"));
  EXPECT_EQ(run.next_due(), std::nullopt);
}

TEST(AnalysisRun, SucceedsWhenEveryTemplateDid) {
  AnalysisRun run = std::get<AnalysisRun>(
      AnalysisRun::start(two_templates(), "id", {"errors", "latency"}, kStart, std::nullopt));
  for (int i = 0; i < 2; ++i)
    for (TemplateRun& t : run.templates()) t.record(at_due(t, Verdict::Successful));
  EXPECT_EQ(run.verdict(), Verdict::Successful);
}

TEST(AnalysisRun, RefusesAnUnknownTemplate) {
  auto started = AnalysisRun::start(two_templates(), "id", {"erors"}, kStart, std::nullopt);
  ASSERT_TRUE(std::holds_alternative<std::string>(started));
  EXPECT_EQ(std::get<std::string>(started), "analysis template \"erors\" is not defined");
}

}  // namespace
}  // namespace rollguard
