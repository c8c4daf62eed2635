#include "health/judges/ratio_judge.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace rollguard {
namespace {

struct RatioCase {
  const char* name;
  double canary, baseline;
  Direction direction;
  JudgeClass expected;
  bool bad;
  double ratio;  // NaN: not checked
  const char* reason_part;
};

class RatioJudge : public ::testing::TestWithParam<RatioCase> {};

TEST_P(RatioJudge, Classifies) {
  const RatioCase& c = GetParam();
  CompareSpec spec;
  spec.judge = JudgeKind::Ratio;
  spec.direction = c.direction;
  const JudgeResult r = judge_ratio(spec, c.canary, c.baseline);
  EXPECT_EQ(r.classification, c.expected) << r.reason;
  EXPECT_EQ(r.bad, c.bad) << r.reason;
  if (!std::isnan(c.ratio)) {
    EXPECT_DOUBLE_EQ(r.ratio, c.ratio);
  }
  EXPECT_NE(r.reason.find(c.reason_part), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RatioJudge,
    ::testing::Values(RatioCase{"HundredfoldIsHigh", 0.214, 0.002, Direction::Increase,
                                JudgeClass::High, true, 107,
                                "canary 0.214 vs baseline 0.002 (ratio, ratio 107x > 1.2x)"},
                      RatioCase{"AtTheToleranceIsPass", 1.2, 1.0, Direction::Increase,
                                JudgeClass::Pass, false, 1.2, "ratio 1.2x within 0.8x..1.2x"},
                      RatioCase{"OnTheLowerBoundAfterRoundingIsPass", 0.04, 0.05, Direction::Either,
                                JudgeClass::Pass, false, 0.04 / 0.05, "within 0.8x..1.2x"},
                      RatioCase{"OnTheUpperBoundAfterRoundingIsPass", 0.06, 0.05, Direction::Either,
                                JudgeClass::Pass, false, 0.06 / 0.05, "within 0.8x..1.2x"},
                      RatioCase{"JustPastTheToleranceIsHigh", 1.21, 1.0, Direction::Increase,
                                JudgeClass::High, true, 1.21, "ratio 1.21x > 1.2x"},
                      RatioCase{"HalfIsLowButNotBadForIncrease", 0.5, 1.0, Direction::Increase,
                                JudgeClass::Low, false, 0.5, "ratio 0.5x < 0.8x"},
                      RatioCase{"HalfIsBadForDecrease", 0.5, 1.0, Direction::Decrease,
                                JudgeClass::Low, true, 0.5, "ratio 0.5x < 0.8x"},
                      RatioCase{"DoubleIsNotBadForDecrease", 2.0, 1.0, Direction::Decrease,
                                JudgeClass::High, false, 2.0, "ratio 2x > 1.2x"},
                      RatioCase{"EitherFlagsBothWays", 0.1, 1.0, Direction::Either, JudgeClass::Low,
                                true, 0.1, "ratio 0.1x < 0.8x"},
                      RatioCase{"ZeroBaselinePositiveCanaryIsHigh", 0.01, 0.0, Direction::Increase,
                                JudgeClass::High, true, INFINITY,
                                "ratio inf > 1.2x, zero baseline"},
                      RatioCase{"BothZeroIsPass", 0.0, 0.0, Direction::Increase, JudgeClass::Pass,
                                false, 1.0, "both zero"},
                      RatioCase{"ZeroCanaryIsLow", 0.0, 0.3, Direction::Either, JudgeClass::Low,
                                true, 0.0, "ratio 0x < 0.8x"},
                      RatioCase{"NaNIsInconclusive", NAN, 1.0, Direction::Increase,
                                JudgeClass::Inconclusive, false, NAN, "not a finite number"},
                      RatioCase{"NegativeIsInconclusive", -1.0, 1.0, Direction::Increase,
                                JudgeClass::Inconclusive, false, NAN, "negative"}),
    [](const auto& info) { return info.param.name; });

TEST(RatioJudgeTolerance, UsesTheSpecsTolerances) {
  CompareSpec spec;
  spec.allowedIncrease = 2.0;
  spec.allowedDecrease = 0.5;
  EXPECT_EQ(judge_ratio(spec, 1.9, 1.0).classification, JudgeClass::Pass);
  EXPECT_EQ(judge_ratio(spec, 2.1, 1.0).classification, JudgeClass::High);
  EXPECT_EQ(judge_ratio(spec, 0.6, 1.0).classification, JudgeClass::Pass);
  EXPECT_EQ(judge_ratio(spec, 0.4, 1.0).classification, JudgeClass::Low);
}

}  // namespace
}  // namespace rollguard
