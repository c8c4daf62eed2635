// The simulator's samplers: right mean and variance over many draws, for each regime of
// each algorithm, and the same numbers from the same seed.
#include "controller/simulation/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

namespace rollguard::sim {
namespace {

struct SamplerCase {
  std::string name;
  std::function<double(Random&)> draw;
  double mean;
  double variance;
};

class SamplerTest : public ::testing::TestWithParam<SamplerCase> {};

TEST_P(SamplerTest, MatchesMeanAndVariance) {
  const SamplerCase& c = GetParam();
  Random random(12345);
  constexpr int kDraws = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = c.draw(random);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / kDraws, variance = sum2 / kDraws - mean * mean;
  // Five standard errors of the mean; the variance within 5%.
  EXPECT_NEAR(mean, c.mean, 5 * std::sqrt(c.variance / kDraws) + 1e-12) << c.name;
  EXPECT_NEAR(variance, c.variance, 0.05 * c.variance + 1e-12) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Samplers, SamplerTest,
    ::testing::Values(
        SamplerCase{"uniform", [](Random& r) { return r.uniform(); }, 0.5, 1.0 / 12},
        SamplerCase{"normal", [](Random& r) { return r.normal(); }, 0, 1},
        SamplerCase{"exponential", [](Random& r) { return r.exponential(); }, 1, 1},
        SamplerCase{"poisson_small", [](Random& r) { return double(r.poisson(3.5)); }, 3.5, 3.5},
        // A mean asked twice in a row is tabulated; alternating two keeps PTRS for neither.
        SamplerCase{"poisson_table", [](Random& r) { return double(r.poisson(380)); }, 380, 380},
        SamplerCase{"poisson_table_small", [](Random& r) { return double(r.poisson(12.5)); }, 12.5,
                    12.5},
        SamplerCase{"poisson_ptrs",  // two means in turn: neither is asked twice in a row
                    [odd = false](Random& r) mutable {
                      odd = !odd;
                      return double(r.poisson(odd ? 380 : 381));
                    },
                    380.5, 380.5 + 0.25},
        SamplerCase{"binomial_inversion", [](Random& r) { return double(r.binomial(200, 0.02)); },
                    4, 200 * 0.02 * 0.98},
        SamplerCase{"binomial_btrs", [](Random& r) { return double(r.binomial(1000, 0.3)); }, 300,
                    1000 * 0.3 * 0.7},
        SamplerCase{"binomial_high_p", [](Random& r) { return double(r.binomial(50, 0.9)); }, 45,
                    50 * 0.9 * 0.1},
        SamplerCase{"gamma_small_shape", [](Random& r) { return r.gamma(0.5); }, 0.5, 0.5},
        SamplerCase{"gamma", [](Random& r) { return r.gamma(7); }, 7, 7},
        SamplerCase{"beta", [](Random& r) { return r.beta(2, 5); }, 2.0 / 7, 10.0 / (49 * 8)}),
    [](const auto& info) { return info.param.name; });

TEST(RandomTest, SameSeedSameNumbersOtherSeedOthers) {
  Random a(7), b(7), c(8);
  std::vector<double> xa, xb, xc;
  for (int i = 0; i < 100; ++i) {
    xa.push_back(a.poisson(20) + a.normal());
    xb.push_back(b.poisson(20) + b.normal());
    xc.push_back(c.poisson(20) + c.normal());
  }
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  EXPECT_NE(Random::derive(1, 1), Random::derive(1, 2));
  EXPECT_NE(Random::derive(1, 1), Random::derive(2, 1));
}

// Inversion: the first k whose P(X <= k) reaches u, also past the end of the table.
TEST(RandomTest, APoissonTableInvertsTheDistribution) {
  const PoissonTable t(50);
  EXPECT_EQ(t.draw(1e-300), 0);
  EXPECT_EQ(t.draw(0.5), 50);  // P(X <= 49) = 0.48119, P(X <= 50) = 0.53752
  EXPECT_EQ(t.draw(0.4813), 50);
  EXPECT_EQ(t.draw(0.4811), 49);
  const std::int64_t last = t.draw(1 - 1e-15);
  EXPECT_GT(last, 90);
  EXPECT_GE(t.draw(std::nextafter(1.0, 0.0)), last);  // beyond the table: still a draw
}

TEST(RandomTest, LogFactorialIsExactInTheTableAndCloseBeyond) {
  EXPECT_DOUBLE_EQ(log_factorial(0), 0);
  EXPECT_NEAR(log_factorial(10), std::log(3628800.0), 1e-12);
  for (std::int64_t k : {255, 256, 300, 10000})
    EXPECT_NEAR(log_factorial(k), std::lgamma(static_cast<double>(k) + 1), 1e-9) << k;
}

}  // namespace
}  // namespace rollguard::sim
