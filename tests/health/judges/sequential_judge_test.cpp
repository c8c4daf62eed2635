#include "health/judges/sequential_judge.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace rollguard {
namespace {

CompareSpec spec_for(Direction direction, double confidence = 0.98, double increase = 1.2,
                     double decrease = 0.8) {
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  spec.direction = direction;
  spec.confidence = confidence;
  spec.allowedIncrease = increase;
  spec.allowedDecrease = decrease;
  return spec;
}

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// One failure among 30 canary and 10 baseline requests, against a tolerated ratio of 1.5: the
// failure is the canary's with probability p ω / (1 - p + p ω), p = 30 / 40, under odds ratio
// ω; the judge's ratio is that over the same at the boundary, averaged over the grid.
TEST(SequentialJudge, OneFailureAgainstABoundaryByHand) {
  SequentialJudge judge(spec_for(Direction::Increase, 0.98, 1.5));
  judge.observe(30, 1, 10, 0);
  const double p = 0.75;
  auto canary_share = [p](double omega) { return p * omega / (1 - p + p * omega); };
  double expected = 0;
  for (double excess : kSequentialExcess)
    expected += canary_share(1.5 * excess) / canary_share(1.5);
  expected /= static_cast<double>(kSequentialExcess.size());
  EXPECT_NEAR(judge.likelihood_ratio(), expected, 1e-12 * expected);
}

TEST(SequentialJudge, OneFailureByHand) {
  // Null boundary odds ratio 1, one request per side, the canary's failed: under odds ratio ω
  // the failure is the canary's with probability ω / (1 + ω), under the null 1/2, so the
  // likelihood ratio is 2ω / (1 + ω), averaged over the grid with equal weights.
  SequentialJudge judge(spec_for(Direction::Increase, 0.98, 1.0));
  judge.observe(1, 1, 1, 0);
  double expected = 0;
  for (double omega : kSequentialExcess) expected += 2 * omega / (1 + omega);
  expected /= static_cast<double>(kSequentialExcess.size());
  EXPECT_NEAR(judge.likelihood_ratio(), expected, 1e-12);
  EXPECT_NEAR(judge.likelihood_ratio(), 1.667660289, 1e-9);  // the same sum, by calculator
  // The baseline's failure instead: 2 / (1 + ω).
  SequentialJudge other(spec_for(Direction::Increase, 0.98, 1.0));
  other.observe(1, 0, 1, 1);
  double against = 0;
  for (double omega : kSequentialExcess) against += 2 / (1 + omega);
  EXPECT_NEAR(other.likelihood_ratio(), against / kSequentialExcess.size(), 1e-12);
  EXPECT_EQ(other.decide().classification, JudgeClass::Pass);
}

TEST(SequentialJudge, TwoBatchesMultiply) {
  // Batches are independent evidence: the per-alternative ratios multiply. Two batches of one
  // canary failure each give the grid average of (2ω / (1 + ω))^2.
  SequentialJudge judge(spec_for(Direction::Increase, 0.98, 1.0));
  judge.observe(1, 1, 1, 0);
  judge.observe(1, 1, 1, 0);
  double expected = 0;
  for (double omega : kSequentialExcess) expected += std::pow(2 * omega / (1 + omega), 2);
  EXPECT_NEAR(judge.likelihood_ratio(), expected / kSequentialExcess.size(), 1e-12);
}

TEST(SequentialJudge, EvidenceDoesNotDependOnTheOrderOfBatches) {
  // Per-batch evidence adds up, so any order gives the same ratio. The two batch shapes are
  // chosen to share a slot of the judge's cache of batch shapes: a stale entry would show.
  const std::array<std::int64_t, 4> a{10, 1, 10, 0}, b{10, 9, 10, 8};
  const auto feed = [](std::initializer_list<std::array<std::int64_t, 4>> batches) {
    SequentialJudge judge(spec_for(Direction::Either, 0.98, 1.0, 1.0));
    for (const auto& x : batches) judge.observe(x[0], x[1], x[2], x[3]);
    return judge.likelihood_ratio();
  };
  const double interleaved = feed({a, b, a, b, a}), grouped = feed({a, a, a, b, b});
  EXPECT_NEAR(interleaved, grouped, 1e-12 * grouped);
  const double a_first = feed({a, b}), b_first = feed({b, a});
  EXPECT_NEAR(a_first, b_first, 1e-12 * b_first);
  EXPECT_NE(feed({a}), feed({b}));
}

struct BatchCase {
  const char* name;
  Direction direction;
  std::vector<std::array<std::int64_t, 4>> batches;  // canary n, f, baseline n, f
  JudgeClass expected;
  bool bad;
  const char* reason_part;
};

class SequentialBatches : public ::testing::TestWithParam<BatchCase> {};

TEST_P(SequentialBatches, Decides) {
  const BatchCase& c = GetParam();
  SequentialJudge judge(spec_for(c.direction));
  for (const auto& b : c.batches) judge.observe(b[0], b[1], b[2], b[3]);
  const JudgeResult r = judge.decide();
  EXPECT_EQ(r.classification, c.expected) << r.reason;
  EXPECT_EQ(r.bad, c.bad) << r.reason;
  EXPECT_TRUE(contains(r.reason, c.reason_part)) << r.reason;
  EXPECT_EQ(r.reason.rfind("canary ", 0), 0u) << r.reason;
}

const std::array<std::int64_t, 4> kHealthy{50, 0, 50, 0};
const std::array<std::int64_t, 4> kCanaryBroken{50, 10, 50, 0};
const std::array<std::int64_t, 4> kBaselineBroken{50, 0, 50, 10};

INSTANTIATE_TEST_SUITE_P(
    Cases, SequentialBatches,
    ::testing::Values(
        BatchCase{"NothingSeen",
                  Direction::Increase,
                  {},
                  JudgeClass::Inconclusive,
                  false,
                  "no requests to the canary"},
        BatchCase{"NoBaselineRequests",
                  Direction::Increase,
                  {{50, 0, 0, 0}},
                  JudgeClass::Inconclusive,
                  false,
                  "no requests to the baseline"},
        BatchCase{"NoFailuresIsPassWithoutEvidence",
                  Direction::Increase,
                  {kHealthy, kHealthy, kHealthy},
                  JudgeClass::Pass,
                  false,
                  "canary 0 vs baseline 0 (sequential, rate ratio 1x, likelihood ratio 1 < 50, "
                  "150 vs 150 requests, tolerated 1.2x, confidence 0.98)"},
        BatchCase{"BrokenCanaryIsHigh",
                  Direction::Increase,
                  {kCanaryBroken},
                  JudgeClass::High,
                  true,
                  "canary 0.2 vs baseline 0 (sequential, rate ratio inf, likelihood ratio"},
        BatchCase{"StaysHigh",
                  Direction::Increase,
                  {kCanaryBroken, kBaselineBroken, kBaselineBroken, kHealthy},
                  JudgeClass::High,
                  true,
                  "crossed 50 after 50 canary requests"},
        BatchCase{"BrokenBaselineIsNotLowWhenOnlyIncreaseIsTested",
                  Direction::Increase,
                  {kBaselineBroken, kBaselineBroken},
                  JudgeClass::Pass,
                  false,
                  "likelihood ratio"},
        BatchCase{"DecreaseIsMirrored",
                  Direction::Decrease,
                  {kBaselineBroken},
                  JudgeClass::Low,
                  true,
                  "tolerated 0.8x"},
        BatchCase{"EitherFindsHigh",
                  Direction::Either,
                  {kCanaryBroken},
                  JudgeClass::High,
                  true,
                  "tolerated 0.8x..1.2x"},
        BatchCase{"EitherFindsLow",
                  Direction::Either,
                  {kBaselineBroken},
                  JudgeClass::Low,
                  true,
                  "crossed 50"},
        BatchCase{"OneFailureProvesNothing",
                  Direction::Increase,
                  {{50, 1, 50, 0}},
                  JudgeClass::Pass,
                  false,
                  "canary 0.02 vs baseline 0"},
        BatchCase{"InvalidBatchIsIgnoredAndNamed",
                  Direction::Increase,
                  {{10, 11, 10, 0}, kHealthy},
                  JudgeClass::Pass,
                  false,
                  "1 invalid batches ignored"}),
    [](const auto& info) { return info.param.name; });

TEST(SequentialJudge, ToleranceIsTheNull) {
  // Odds ratio ~1.5 on plenty of failures: past a tolerance of 1.0, inside one of 2.0.
  const auto feed = [](SequentialJudge& judge) {
    for (int i = 0; i < 40; ++i) judge.observe(10000, 300, 10000, 200);
  };
  SequentialJudge strict(spec_for(Direction::Increase, 0.98, 1.0));
  SequentialJudge tolerant(spec_for(Direction::Increase, 0.98, 2.0));
  feed(strict);
  feed(tolerant);
  EXPECT_EQ(strict.decide().classification, JudgeClass::High) << strict.decide().reason;
  EXPECT_EQ(tolerant.decide().classification, JudgeClass::Pass) << tolerant.decide().reason;
  EXPECT_LT(tolerant.likelihood_ratio(), 1e-3);  // evidence against every alternative
}

TEST(SequentialJudge, InvalidSpecIsInconclusive) {
  SequentialJudge judge(spec_for(Direction::Increase, 1.0));
  judge.observe(50, 10, 50, 0);
  const JudgeResult r = judge.decide();
  EXPECT_EQ(r.classification, JudgeClass::Inconclusive);
  EXPECT_TRUE(contains(r.reason, "confidence 1 is outside (0, 1)")) << r.reason;
  SequentialJudge zero(spec_for(Direction::Either, 0.98, 1.2, 0.0));
  EXPECT_EQ(zero.decide().classification, JudgeClass::Inconclusive);
}

TEST(SequentialJudge, ReportsRatesAndCounts) {
  SequentialJudge judge(spec_for(Direction::Increase));
  judge.observe(1000, 20, 1000, 10);
  judge.observe(1000, 20, 3000, 30);
  const JudgeResult r = judge.decide();
  EXPECT_DOUBLE_EQ(r.canary, 40.0 / 2000);
  EXPECT_DOUBLE_EQ(r.baseline, 40.0 / 4000);
  EXPECT_DOUBLE_EQ(r.ratio, 2.0);
  EXPECT_EQ(r.canary_samples, 2000);
  EXPECT_EQ(r.baseline_samples, 4000);
  EXPECT_DOUBLE_EQ(r.statistic, judge.likelihood_ratio());
}

}  // namespace
}  // namespace rollguard
