// The U test and the Hodges-Lehmann interval against values worked out by hand; the working
// is in the comments so that a reader can check it without a statistics package.
#include "health/judges/rank_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace rollguard {
namespace {

struct RankSumCase {
  const char* name;
  std::vector<double> canary, baseline;  // sorted
  double u, tie_term, sigma, z, p;
};

class RankSum : public ::testing::TestWithParam<RankSumCase> {};

TEST_P(RankSum, MatchesHandComputation) {
  const RankSumCase& c = GetParam();
  const RankSumTest t = rank_sum_test(c.canary, c.baseline);
  EXPECT_DOUBLE_EQ(t.u, c.u);
  EXPECT_DOUBLE_EQ(t.tie_term, c.tie_term);
  EXPECT_NEAR(t.sigma, c.sigma, 1e-5);
  EXPECT_NEAR(t.z, c.z, 1e-5);
  EXPECT_NEAR(t.p_value, c.p, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RankSum,
    ::testing::Values(
        // Pooled: 3y 5y 7x 8y 9x 10y 11y 12x 15x; canary ranks 3+5+8+9 = 25, U = 25 - 4·5/2
        // = 15 (= 2+3+5+5 pairs won). mn/2 = 10, sigma^2 = 20·10/12 = 16.667, sigma = 4.0825,
        // z = (15 - 10 - 0.5) / 4.0825 = 1.1023, p = 2(1 - Phi(1.1023)) = 2(1 - 0.86483).
        RankSumCase{"NoTies", {7, 9, 12, 15}, {3, 5, 8, 10, 11}, 15, 0, 4.08248, 1.10227, 0.2703},
        // Pooled: 1y 2x 2y 3y 4x 4x 4y 6x; ties {2,2} get rank 2.5, {4,4,4} rank 6. Canary
        // ranks 2.5+6+6+8 = 22.5, U = 22.5 - 10 = 12.5. Ties: (8-2) + (27-3) = 30.
        // sigma^2 = 16/12 · (9 - 30/56) = 11.2857, sigma = 3.35942,
        // z = (12.5 - 8 - 0.5) / 3.35942 = 1.19068, p = 2(1 - Phi(1.19068)) = 0.2338.
        RankSumCase{"Ties", {2, 4, 4, 6}, {1, 2, 3, 4}, 12.5, 30, 3.35942, 1.19068, 0.2338},
        // The mirror image: U = 16 - 12.5 = 3.5, z = (3.5 - 8 + 0.5) / 3.35942 = -1.19068.
        RankSumCase{"TiesMirrored", {1, 2, 3, 4}, {2, 4, 4, 6}, 3.5, 30, 3.35942, -1.19068, 0.2338},
        // U exactly mn/2 = 2: z is 0, p is 1; sigma^2 = 4·5/12.
        RankSumCase{"Balanced", {1, 4}, {2, 3}, 2, 0, 1.29099, 0, 1.0},
        // Every value equal: sigma 0, nothing to test, p stays 1.
        RankSumCase{"AllEqual", {5, 5, 5}, {5, 5}, 3, 120, 0, 0, 1.0}),
    [](const auto& info) { return info.param.name; });

struct ShiftCase {
  const char* name;
  std::vector<double> canary, baseline;  // sorted
  double confidence;
  double estimate, lower, upper;
  std::int64_t rank;
};

class HodgesLehmann : public ::testing::TestWithParam<ShiftCase> {};

TEST_P(HodgesLehmann, MatchesHandComputation) {
  const ShiftCase& c = GetParam();
  std::vector<double> scratch;
  const ShiftInterval s = hodges_lehmann(c.canary, c.baseline, c.confidence, scratch);
  EXPECT_EQ(s.rank, c.rank);
  EXPECT_DOUBLE_EQ(s.estimate, c.estimate);
  if (s.defined()) {
    EXPECT_DOUBLE_EQ(s.lower, c.lower);
    EXPECT_DOUBLE_EQ(s.upper, c.upper);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HodgesLehmann,
    ::testing::Values(
        // Differences x - y: 4-{1,2,5} = 3,2,-1; 6-.. = 5,4,1; 9-.. = 8,7,4.
        // Sorted: -1 1 2 3 4 4 5 7 8; median (5th) = 4. C = round(9/2 - 1.28155·sqrt(9·7/12))
        // = round(4.5 - 2.9365) = 2: interval [D(2), D(8)] = [1, 7] (exact coverage for
        // m = n = 3: 1 - 2·P(U <= 1) = 1 - 2·2/20 = 0.8).
        ShiftCase{"OddCount", {4, 6, 9}, {1, 2, 5}, 0.8, 4, 1, 7, 2},
        // Adding 10: 9,8,5 join. Sorted: -1 1 2 3 4 4 5 5 7 8 8 9; median = (4 + 5) / 2.
        // C = round(6 - 1.28155·sqrt(12·8/12)) = round(2.375) = 2: [D(2), D(11)] = [1, 8].
        ShiftCase{"EvenCount", {4, 6, 9, 10}, {1, 2, 5}, 0.8, 4.5, 1, 8, 2},
        // At 0.98, z = 2.3263: 4.5 - 2.3263·2.2913 < 0.5, so C = 0: no interval exists.
        ShiftCase{"TooSmallForTheConfidence", {4, 6, 9}, {1, 2, 5}, 0.98, 4, 0, 0, 0}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
