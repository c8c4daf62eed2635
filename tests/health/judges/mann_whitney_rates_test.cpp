// The mannWhitney judge on per-interval error rates (issue 22, item 1): with 25 requests per
// interval most intervals fail nothing on either side. The judge used to decide on the
// Hodges-Lehmann interval, whose lower end stays at 0 until the canary fails in more than
// half of its intervals, and found a canary at 2% against 0.1% in 0 of 200 runs while the
// U test and the ratio rejected in 200 of 200. It now decides on the U test (exact over the
// ties where they make U coarse, tie-corrected normal otherwise), gated by the ratio: it
// finds what they find, and a healthy canary is still rarely flagged.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "support/interval_rates.hpp"

namespace rollguard {
namespace mann_whitney_rates {

struct DetectCase {
  const char* name;
  testing::RateComparison comparison;
};
void PrintTo(const DetectCase& c, std::ostream* os) {
  *os << c.name;
}

class MannWhitneyRates : public ::testing::TestWithParam<DetectCase> {};

// The issue's table: 200 runs, default spec (increase, 1.2x, confidence 0.98).
TEST_P(MannWhitneyRates, FindsWhatTheUTestAndTheRatioFind) {
  const CompareSpec spec;
  const testing::DetectionCounts n =
      testing::mann_whitney_detection(spec, GetParam().comparison, 200, 22);
  std::printf("  %s: judge High %d, U test %d, ratio %d, both %d, the interval's rule %d of %d\n",
              GetParam().name, n.judge_high, n.u_test, n.ratio, n.u_and_ratio, n.interval, n.runs);
  std::printf("    the first run: %s\n", n.first_reason.c_str());
  EXPECT_GE(n.judge_high, 195);
  EXPECT_GE(n.u_and_ratio, 195);
  EXPECT_LE(n.interval, 5) << "the interval's rule was expected to miss these (issue 22)";
}

INSTANTIATE_TEST_SUITE_P(
    Issue22, MannWhitneyRates,
    ::testing::Values(DetectCase{"TwoPercent60Intervals", {25, 60, 0.02, 0.001}},
                      DetectCase{"OnePercent300Intervals", {25, 300, 0.01, 0.001}}),
    [](const auto& info) { return info.param.name; });

struct HealthyCase {
  const char* name;
  testing::RateComparison comparison;
};
void PrintTo(const HealthyCase& c, std::ostream* os) {
  *os << c.name;
}

class MannWhitneyHealthyRates : public ::testing::TestWithParam<HealthyCase> {};

// A/A: the canary fails like the baseline. With the effect-size gate off (allowed ratio 1.0)
// the test alone must hold its bound, (1 - confidence) / 2 for an increase, on samples this
// tied; with the default gate the rate only drops.
TEST_P(MannWhitneyHealthyRates, FalseAlarmsStayWithinTheBound) {
  constexpr int kRuns = 10000;
  CompareSpec ungated;
  ungated.allowedIncrease = 1.0;
  const CompareSpec gated;  // defaults: 1.2x, confidence 0.98
  const auto u = testing::mann_whitney_detection(ungated, GetParam().comparison, kRuns, 7);
  const auto d = testing::mann_whitney_detection(gated, GetParam().comparison, kRuns, 7);
  const double bound = (1 - gated.confidence) / 2;
  const double allowed = bound + 3 * std::sqrt(bound * (1 - bound) / kRuns);
  const double ungated_rate = static_cast<double>(u.judge_high) / kRuns;
  const double gated_rate = static_cast<double>(d.judge_high) / kRuns;
  std::printf("  %s: false alarms %.4f without the gate, %.4f with it (bound %.3f)\n",
              GetParam().name, ungated_rate, gated_rate, bound);
  EXPECT_LE(ungated_rate, allowed);
  EXPECT_LE(gated_rate, ungated_rate);
}

INSTANTIATE_TEST_SUITE_P(
    AA, MannWhitneyHealthyRates,
    ::testing::Values(HealthyCase{"TenthOfAPercent60Intervals", {25, 60, 0.001, 0.001}},
                      HealthyCase{"TenthOfAPercent300Intervals", {25, 300, 0.001, 0.001}},
                      HealthyCase{"OnePercent60Intervals", {25, 60, 0.01, 0.01}},
                      HealthyCase{"TwoPercent300Intervals", {25, 300, 0.02, 0.02}},
                      HealthyCase{"FivePercent20Intervals", {25, 20, 0.05, 0.05}}),
    [](const auto& info) { return info.param.name; });

}  // namespace mann_whitney_rates
}  // namespace rollguard
