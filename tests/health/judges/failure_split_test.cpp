#include "health/judges/failure_split.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace rollguard {
namespace {

TEST(FailureSplit, CentralProbabilitiesByHand) {
  // 3 canary and 2 baseline requests, 2 failures: P(X = x) = C(3,x) C(2,2-x) / C(5,2)
  // = 1/10, 6/10, 3/10 for x = 0, 1, 2.
  const FailureSplit split(3, 2, 2);
  EXPECT_EQ(split.lowest(), 0);
  EXPECT_EQ(split.highest(), 2);
  EXPECT_NEAR(std::exp(split.log_central(0)), 0.1, 1e-12);
  EXPECT_NEAR(std::exp(split.log_central(1)), 0.6, 1e-12);
  EXPECT_NEAR(std::exp(split.log_central(2)), 0.3, 1e-12);
  EXPECT_EQ(split.log_central(3), -INFINITY);
  // E[2^X] = 0.1 + 0.6·2 + 0.3·4 = 2.5.
  EXPECT_NEAR(split.log_moment(std::log(2.0)), std::log(2.5), 1e-12);
  EXPECT_NEAR(split.log_moment(0), 0, 1e-12);
}

TEST(FailureSplit, SupportIsBoundedByBothSides) {
  // 4 failures among 3 canary and 2 baseline requests: at least 2 are the canary's.
  const FailureSplit split(3, 2, 4);
  EXPECT_EQ(split.lowest(), 2);
  EXPECT_EQ(split.highest(), 3);
  // C(3,2)C(2,2) = 3 and C(3,3)C(2,1) = 2 of C(5,4) = 5.
  EXPECT_NEAR(std::exp(split.log_central(2)), 0.6, 1e-12);
  EXPECT_NEAR(split.log_moment(std::log(10.0)), std::log(0.6 * 100 + 0.4 * 1000), 1e-9);
}

TEST(FailureSplit, SinglePointSupport) {
  const FailureSplit split(5, 0, 3);  // no baseline requests: every failure is the canary's
  EXPECT_EQ(split.lowest(), 3);
  EXPECT_EQ(split.highest(), 3);
  EXPECT_NEAR(split.log_moment(std::log(7.0)), 3 * std::log(7.0), 1e-12);
}

struct MomentCase {
  const char* name;
  std::int64_t n_c, n_b, failures;
  double omega;
};

class FailureSplitMoment : public ::testing::TestWithParam<MomentCase> {};

// Against the full sum over the support with each term from log-gamma functions.
TEST_P(FailureSplitMoment, EqualsTheFullSum) {
  const MomentCase& c = GetParam();
  const FailureSplit split(c.n_c, c.n_b, c.failures);
  const auto lc = [](double n, double k) {
    return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
  };
  std::vector<double> terms;
  double top = -INFINITY;
  for (std::int64_t x = split.lowest(); x <= split.highest(); ++x) {
    const double t = lc(c.n_c, x) + lc(c.n_b, c.failures - x) - lc(c.n_c + c.n_b, c.failures) +
                     x * std::log(c.omega);
    terms.push_back(t);
    top = std::max(top, t);
  }
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  EXPECT_NEAR(split.log_moment(std::log(c.omega)), top + std::log(sum), 1e-8);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FailureSplitMoment,
    ::testing::Values(MomentCase{"Central", 50, 50, 10, 1.0},
                      MomentCase{"ShortSupportLargeOmega", 50, 50, 10, 4800.0},
                      MomentCase{"ShortSupportSmallOmega", 50, 50, 10, 1.0 / 4800},
                      MomentCase{"ShortSupportTinyTail", 1000000, 10, 20, 1e-4},
                      MomentCase{"Large", 1000, 1000, 500, 300.0},
                      MomentCase{"Small", 1000, 9000, 40, 0.01},
                      MomentCase{"Unbalanced", 10, 100000, 5000, 1.5},
                      MomentCase{"ManyFailures", 30000, 30000, 20000, 2.0}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
