// The exact U test over the splits of a tied pooled sample, against counts worked out by hand.
#include "health/judges/exact_rank_sum.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "health/judges/rank_sum.hpp"

namespace rollguard {
namespace exact_rank_sum {

TEST(ExactRankSum, NoTiesCountsTheSplits) {
  // m = 4, n = 5, U = 15: 18 of the 126 splits have U >= 15, as many U <= 5.
  const std::vector<double> xs{7, 9, 12, 15}, ys{3, 5, 8, 10, 11};
  EXPECT_NEAR(exact_rank_sum_p(xs, ys).value(), 36.0 / 126, 1e-12);
}

TEST(ExactRankSum, AFewNonzeroIntervalsAllTheCanarys) {
  // Ten intervals a side; the baseline fails in none, the canary in five (distinct rates).
  // U is extreme only when all five nonzero values are on one side: C(10, 5) of the C(20, 5)
  // ways to place them, each way round, so p = 2 · 252 / 15504 = 0.0325. The tie-corrected
  // normal approximation says 0.0149: below 0.02, a false alarm at confidence 0.98.
  const std::vector<double> xs{0, 0, 0, 0, 0, 0.002, 0.004, 0.006, 0.008, 0.01};
  const std::vector<double> ys(10, 0.0);
  EXPECT_NEAR(exact_rank_sum_p(xs, ys).value(), 2 * 252.0 / 15504, 1e-12);
  EXPECT_NEAR(rank_sum_test(xs, ys).p_value, 0.0149, 1e-4);
}

TEST(ExactRankSum, TwoValuesIsTheHypergeometricTail) {
  // 0 or 1 only (m = n = 4): U moves with the number of ones in the canary, a hypergeometric
  // count. All 3 ones in the canary has probability C(4, 3) / C(8, 3) = 4 / 56, all 3 in the
  // baseline as much, and nothing else is as lopsided: p = 8 / 56.
  const std::vector<double> xs{0, 1, 1, 1}, ys{0, 0, 0, 0};
  EXPECT_NEAR(exact_rank_sum_p(xs, ys).value(), 2 * 4.0 / 56, 1e-12);
}

TEST(ExactRankSum, LargeSamplesWithFewTiesAreLeftToTheNormalApproximation) {
  std::vector<double> xs, ys;
  for (int i = 0; i < 40; ++i) xs.push_back(i * 1.5), ys.push_back(i * 1.5 + 0.25);
  EXPECT_FALSE(exact_rank_sum_p(xs, ys).has_value());
}

TEST(ExactRankSum, IsAProbabilityAndOneAtTheCentre) {
  const std::vector<double> xs{1, 4}, ys{2, 3};  // U = 2 = mn/2
  EXPECT_NEAR(exact_rank_sum_p(xs, ys).value(), 1.0, 1e-12);
}

}  // namespace exact_rank_sum
}  // namespace rollguard
