#include "health/judges/measurement_judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace rollguard {
namespace {

using ::testing::HasSubstr;

AnalysisTemplate errors_template(std::optional<std::string> success,
                                 std::optional<std::string> failure,
                                 std::optional<CompareSpec> compare = std::nullopt) {
  AnalysisTemplate t;
  t.name = "errors";
  t.metric = BuiltinMetric{BuiltinQuery::ErrorRate};
  t.minSamples = 50;
  t.successCondition = std::move(success);
  t.failureCondition = std::move(failure);
  t.compare = std::move(compare);
  return t;
}

MetricReading reading(double v, std::int64_t samples = 1000) {
  MetricReading r;
  r.value = {v};
  r.samples = samples;
  return r;
}

CompareSpec ratio_compare() {
  CompareSpec c;
  c.judge = JudgeKind::Ratio;
  c.allowedIncrease = 1.5;
  return c;
}

struct Case {
  std::string name;
  AnalysisTemplate spec;
  MetricObservation in;
  Verdict verdict;
  std::string reason;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class JudgeMeasurement : public ::testing::TestWithParam<Case> {};

TEST_P(JudgeMeasurement, GivesTheVerdictWithItsReason) {
  const Case& c = GetParam();
  auto compiled = CompiledTemplate::compile(c.spec);
  ASSERT_TRUE(std::holds_alternative<CompiledTemplate>(compiled));
  const Measurement m = judge_measurement(std::get<CompiledTemplate>(compiled), c.in, TimePoint{});
  EXPECT_EQ(m.verdict, c.verdict) << m.reason;
  EXPECT_THAT(m.reason, HasSubstr(c.reason));
}

MetricObservation only(MetricReading canary) {
  return MetricObservation{canary, {}, {}, {}, {}};
}
MetricObservation against(MetricReading canary, MetricReading compared) {
  return MetricObservation{canary, compared, {}, {}, {}};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JudgeMeasurement,
    ::testing::Values(
        Case{"SuccessConditionMet", errors_template("result < 0.01", std::nullopt),
             only(reading(0.004)), Verdict::Successful,
             "error_rate 0.004 meets successCondition \"result < 0.01\""},
        Case{"SuccessConditionMissedAloneIsAFailure",
             errors_template("result < 0.01", std::nullopt), only(reading(0.02)), Verdict::Failed,
             "error_rate 0.02 misses successCondition"},
        Case{"FailureConditionMet", errors_template("result < 0.01", "result >= 0.05"),
             only(reading(0.2)), Verdict::Failed, "meets failureCondition \"result >= 0.05\""},
        Case{"BetweenTheTwoIsInconclusive", errors_template("result < 0.01", "result >= 0.05"),
             only(reading(0.02)), Verdict::Inconclusive, "misses successCondition"},
        Case{"OnlyAFailureConditionNotMet", errors_template(std::nullopt, "result >= 0.05"),
             only(reading(0.01)), Verdict::Successful, "does not meet failureCondition"},
        Case{"TooFewRequestsIsInconclusiveNeverSuccessful",
             errors_template("result < 0.01", std::nullopt), only(reading(0.0, 12)),
             Verdict::Inconclusive, "12 requests < minSamples 50"},
        Case{"NoRequestsIsInconclusive", errors_template("result < 0.01", std::nullopt),
             only(reading(NAN, 0)), Verdict::Inconclusive, "0 requests < minSamples 50"},
        Case{"ProviderErrorIsAnError", errors_template("result < 0.01", std::nullopt),
             only(MetricReading::failure("prometheus: HTTP 500: query timed out")), Verdict::Error,
             "error_rate: prometheus: HTTP 500: query timed out"},
        Case{"EmptyResultIsAnError", errors_template("result < 0.01", std::nullopt),
             only(MetricReading{}), Verdict::Error, "empty result"},
        Case{"NaNIsNeitherSuccessNorFailure", errors_template("result < 0.01", std::nullopt),
             only(reading(NAN)), Verdict::Inconclusive, "error_rate NaN is not a finite number"},
        Case{"NaNDoesNotPassAFailureConditionAlone",
             errors_template(std::nullopt, "result >= 0.05"), only(reading(NAN)),
             Verdict::Inconclusive, "neither success nor failure"},
        Case{"InfinityIsNeitherSuccessNorFailure", errors_template(std::nullopt, "result >= 0.05"),
             only(reading(INFINITY)), Verdict::Inconclusive, "not a finite number"},
        Case{"ANaNBaselineTheConditionReadsIsInconclusive",
             errors_template("result <= baseline * 2", std::nullopt),
             against(reading(0.001), reading(NAN)), Verdict::Inconclusive, "not a finite number"},
        Case{"AConditionNamingIsNaNJudgesIt",
             errors_template(std::nullopt, "isNaN(result) || result >= 0.05"), only(reading(NAN)),
             Verdict::Failed, "meets failureCondition"},
        Case{"ConditionOverTheBaseline", errors_template("result <= baseline * 2", std::nullopt),
             against(reading(0.01), reading(0.002)), Verdict::Failed,
             "misses successCondition \"result <= baseline * 2\""},
        Case{"ConditionWithoutABaselineIsAnError",
             errors_template("result <= baseline * 2", std::nullopt), only(reading(0.01)),
             Verdict::Error, "no baseline value"},
        Case{"RatioJudgeHighIsAFailure",
             errors_template(std::nullopt, std::nullopt, ratio_compare()),
             against(reading(0.2), reading(0.002)), Verdict::Failed, "error_rate: canary 0.2"},
        Case{"RatioJudgeWithinPasses", errors_template(std::nullopt, std::nullopt, ratio_compare()),
             against(reading(0.0021), reading(0.002)), Verdict::Successful, "ratio"},
        Case{"BothMustPass", errors_template("result < 0.5", std::nullopt, ratio_compare()),
             against(reading(0.2), reading(0.002)), Verdict::Failed, "ratio"},
        Case{"MannWhitneyWithoutSamplesIsInconclusive",
             errors_template(std::nullopt, std::nullopt, CompareSpec{}),
             against(reading(0.2), reading(0.002)), Verdict::Inconclusive, "error_rate"},
        Case{"SequentialWithoutDataIsInconclusive",
             errors_template(std::nullopt, std::nullopt,
                             CompareSpec{CompareAgainst::Baseline, JudgeKind::Sequential,
                                         Direction::Increase, 1.2, 0.8, 0.99}),
             against(reading(0.2), reading(0.002)), Verdict::Inconclusive,
             "no data for the sequential judge yet"}),
    [](const auto& info) { return info.param.name; });

TEST(CompiledTemplate, ReportsAConditionThatDoesNotParse) {
  auto compiled = CompiledTemplate::compile(errors_template("result <", std::nullopt));
  ASSERT_TRUE(std::holds_alternative<std::string>(compiled));
  EXPECT_THAT(std::get<std::string>(compiled), HasSubstr("condition \"result <\": column"));
}

}  // namespace
}  // namespace rollguard
