#include "health/judges/mann_whitney.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace rollguard {
namespace {

std::vector<double> range(double first, double step, int count) {
  std::vector<double> v;
  for (int i = 0; i < count; ++i) v.push_back(first + step * i);
  return v;
}

std::vector<double> scaled(std::vector<double> v, double factor) {
  for (auto& x : v) x *= factor;
  return v;
}

struct JudgeCase {
  const char* name;
  std::vector<double> canary, baseline;
  Direction direction;
  double allowed_increase;
  double confidence;
  JudgeClass expected;
  bool bad;
  const char* reason_part;
};

class MannWhitneyJudge : public ::testing::TestWithParam<JudgeCase> {};

TEST_P(MannWhitneyJudge, Classifies) {
  const JudgeCase& c = GetParam();
  CompareSpec spec;
  spec.direction = c.direction;
  spec.allowedIncrease = c.allowed_increase;
  spec.confidence = c.confidence;
  const JudgeResult r = judge_mann_whitney(spec, c.canary, c.baseline);
  EXPECT_EQ(r.classification, c.expected) << r.reason;
  EXPECT_EQ(r.bad, c.bad) << r.reason;
  EXPECT_NE(r.reason.find(c.reason_part), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.rfind("canary ", 0), 0u) << r.reason;
  EXPECT_EQ(r.reason.find('\n'), std::string::npos);
  EXPECT_EQ(r.canary_samples, static_cast<std::int64_t>(c.canary.size()));
  EXPECT_EQ(r.baseline_samples, static_cast<std::int64_t>(c.baseline.size()));
}

const auto kBaseline = range(10, 1, 20);  // 10..29, mean 19.5
const auto kTight = range(100, 0.1, 40);  // 100..103.9, mean 101.95

INSTANTIATE_TEST_SUITE_P(
    Cases, MannWhitneyJudge,
    ::testing::Values(
        JudgeCase{
            "DoubledIsHigh", scaled(kBaseline, 2), kBaseline, Direction::Increase, 1.2, 0.98,
            JudgeClass::High, true,
            "canary 39 vs baseline 19.5 (mannWhitney, ratio 2x > 1.2x, p 3.26e-06 < 0.02, shift +"},
        JudgeCase{"DoubledIsNotBadWhenDecreaseIsBad", scaled(kBaseline, 2), kBaseline,
                  Direction::Decrease, 1.2, 0.98, JudgeClass::High, false, "confidence 0.98)"},
        JudgeCase{"HalvedIsLow", scaled(kBaseline, 0.5), kBaseline, Direction::Either, 1.2, 0.98,
                  JudgeClass::Low, true, "ratio 0.5x < 0.8x"},
        JudgeCase{"DoubledWithinAWiderToleranceIsPass", scaled(kBaseline, 2), kBaseline,
                  Direction::Increase, 3.0, 0.98, JudgeClass::Pass, false,
                  "ratio 2x within 0.8x..3x"},
        // Every canary sample is above every baseline sample (shift +5 out of ~100): the shift
        // is certain but the ratio 1.05x is inside the tolerance.
        JudgeCase{"SignificantButSmallShiftIsPass", range(105, 0.1, 40), kTight,
                  Direction::Increase, 1.2, 0.98, JudgeClass::Pass, false,
                  "ratio 1.05x within 0.8x..1.2x, p 1.44e-14 < 0.02, shift +5 in [4"},
        JudgeCase{"InterleavedIsPass", range(10.5, 1, 20), kBaseline, Direction::Either, 1.0, 0.98,
                  JudgeClass::Pass, false, "(not significant)"},
        JudgeCase{"AllEqualIsPass", std::vector<double>(10, 3.0), std::vector<double>(12, 3.0),
                  Direction::Increase, 1.2, 0.98, JudgeClass::Pass, false,
                  "all 22 samples equal 3"},
        JudgeCase{"ZeroBaselineIsHigh", range(1, 1, 10), std::vector<double>(10, 0.0),
                  Direction::Increase, 1.2, 0.98, JudgeClass::High, true, "ratio inf > 1.2x"},
        JudgeCase{"TooFewSamples",
                  {1, 2},
                  kBaseline,
                  Direction::Increase,
                  1.2,
                  0.98,
                  JudgeClass::Inconclusive,
                  false,
                  "too few samples: canary 2, baseline 20, need 3 per side"},
        JudgeCase{"TooFewForTheConfidence",
                  {40, 50, 60},
                  {1, 2, 3},
                  Direction::Increase,
                  1.2,
                  0.98,
                  JudgeClass::Inconclusive,
                  false,
                  "too few samples for confidence 0.98: canary 3, baseline 3"},
        JudgeCase{"NotANumber",
                  {1, NAN, 3},
                  kBaseline,
                  Direction::Increase,
                  1.2,
                  0.98,
                  JudgeClass::Inconclusive,
                  false,
                  "not a finite number"},
        JudgeCase{"NegativeMean",
                  {-5, -6, -7},
                  {1, 2, 3},
                  Direction::Increase,
                  1.2,
                  0.98,
                  JudgeClass::Inconclusive,
                  false,
                  "negative mean"},
        JudgeCase{"BadConfidence", scaled(kBaseline, 2), kBaseline, Direction::Increase, 1.2, 1.0,
                  JudgeClass::Inconclusive, false, "outside (0, 1)"}),
    [](const auto& info) { return info.param.name; });

TEST(MannWhitneyJudgeNumbers, ReportsTheTestAndTheInterval) {
  // The hand-worked example of rank_sum_test.cpp: U = 15 of 20 (normal approximation p =
  // 0.2703). The judge counts it exactly: of the C(9, 4) = 126 splits, 18 have U >= 15 (U <= 5
  // by symmetry: 1 + 1 + 2 + 3 + 5 + 6 partitions of 0..5 into at most 4 parts of at most 5),
  // so two-sided p = 36 / 126.
  CompareSpec spec;
  spec.confidence = 0.8;
  const std::vector<double> canary{15, 7, 12, 9}, baseline{11, 3, 10, 8, 5};  // unsorted
  const JudgeResult r = judge_mann_whitney(spec, canary, baseline);
  EXPECT_DOUBLE_EQ(r.statistic, 15);
  EXPECT_NEAR(r.p_value, 36.0 / 126, 1e-12);
  EXPECT_DOUBLE_EQ(r.canary, 10.75);
  EXPECT_DOUBLE_EQ(r.baseline, 7.4);
  EXPECT_DOUBLE_EQ(r.ratio, 10.75 / 7.4);
  // x - y: 7-{3,5,8,10,11} = 4 2 -1 -3 -4; 9-.. = 6 4 1 -1 -2; 12-.. = 9 7 4 2 1;
  // 15-.. = 12 10 7 5 4. Sorted: -4 -3 -2 -1 -1 1 1 2 2 4 | 4 4 4 5 6 7 7 9 10 12;
  // the median is (D(10) + D(11)) / 2 = 4.
  EXPECT_DOUBLE_EQ(r.estimate, 4);
  // C = round(10 - 1.28155·sqrt(20·10/12)) = round(4.768) = 5: [D(5), D(16)] = [-1, 7],
  // which holds 0, as p = 0.29 > 0.2 says: Pass, though the ratio 1.45x is past 1.2x.
  EXPECT_DOUBLE_EQ(r.lower, -1);
  EXPECT_DOUBLE_EQ(r.upper, 7);
  EXPECT_EQ(r.classification, JudgeClass::Pass) << r.reason;
  EXPECT_NE(r.reason.find("exact p 0.286 (not significant), shift +4 in [-1, 7]"),
            std::string::npos)
      << r.reason;
}

}  // namespace
}  // namespace rollguard
