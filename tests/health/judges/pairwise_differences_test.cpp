// The selection must equal sorting all m·n differences; checked against exactly that.
#include "health/judges/pairwise_differences.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace rollguard {
namespace {

std::vector<double> all_differences(const std::vector<double>& xs, const std::vector<double>& ys) {
  std::vector<double> d;
  for (double x : xs)
    for (double y : ys) d.push_back(x - y);
  std::sort(d.begin(), d.end());
  return d;
}

struct SampleCase {
  const char* name;
  std::size_t m, n;
  std::vector<double> (*draw)(std::mt19937_64&, std::size_t);
};

std::vector<double> continuous(std::mt19937_64& rng, std::size_t n) {
  std::lognormal_distribution<double> d(3.0, 0.5);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

std::vector<double> heavily_tied(std::mt19937_64& rng, std::size_t n) {
  std::uniform_int_distribution<int> d(0, 3);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Per-second error rates of a healthy service: 0 in most seconds, so most differences are 0
// and rank k often sits inside that block.
std::vector<double> mostly_zero(std::mt19937_64& rng, std::size_t n) {
  std::uniform_int_distribution<int> d(0, 19);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng) == 0 ? 1.0 / (15 + d(rng)) : 0.0;
  return v;
}

std::vector<double> many_magnitudes(std::mt19937_64& rng, std::size_t n) {
  std::uniform_int_distribution<int> exponent(-200, 200);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::vector<double> v(n);
  for (auto& x : v) x = mantissa(rng) * std::pow(10.0, exponent(rng));
  return v;
}

class KthDifference : public ::testing::TestWithParam<SampleCase> {};

TEST_P(KthDifference, EqualsSortingEveryDifference) {
  const SampleCase& c = GetParam();
  std::mt19937_64 rng(7);
  std::vector<double> scratch;
  for (int round = 0; round < 2; ++round) {
    auto xs = c.draw(rng, c.m), ys = c.draw(rng, c.n);
    std::sort(xs.begin(), xs.end());
    std::sort(ys.begin(), ys.end());
    const auto sorted = all_differences(xs, ys);
    const auto total = static_cast<std::int64_t>(sorted.size());
    // Every rank for small samples; a spread of ranks (ends included) for larger ones.
    const std::int64_t step = std::max<std::int64_t>(1, total / 97);
    for (std::int64_t k = 1; k <= total; k += step) {
      ASSERT_EQ(kth_difference(xs, ys, k, scratch), sorted[k - 1]) << "k=" << k;
      if (k < total) {
        ASSERT_EQ(next_difference(xs, ys, k, sorted[k - 1]), sorted[k]) << "k=" << k;
      }
      ASSERT_EQ(count_differences_at_most(xs, ys, sorted[k - 1]),
                std::upper_bound(sorted.begin(), sorted.end(), sorted[k - 1]) - sorted.begin());
    }
    ASSERT_EQ(kth_difference(xs, ys, total, scratch), sorted.back());
  }
}

// Samples with few distinct values: their differences with multiplicities give the same
// order statistics; samples with many distinct values give none.
TEST_P(KthDifference, TiedDifferencesGiveTheSameOrderStatistics) {
  const SampleCase& c = GetParam();
  std::mt19937_64 rng(11);
  auto xs = c.draw(rng, c.m), ys = c.draw(rng, c.n);
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  const auto tied = tied_differences(xs, ys, 1024);
  std::vector<double> distinct_x = xs, distinct_y = ys;
  distinct_x.erase(std::unique(distinct_x.begin(), distinct_x.end()), distinct_x.end());
  distinct_y.erase(std::unique(distinct_y.begin(), distinct_y.end()), distinct_y.end());
  ASSERT_EQ(tied.empty(), distinct_x.size() * distinct_y.size() > 1024);
  if (tied.empty()) return;
  const auto sorted = all_differences(xs, ys);
  for (std::size_t k = 1; k <= sorted.size(); ++k)
    ASSERT_EQ(kth_tied_difference(tied, static_cast<std::int64_t>(k)), sorted[k - 1]) << k;
}

INSTANTIATE_TEST_SUITE_P(Samples, KthDifference,
                         ::testing::Values(SampleCase{"Tiny", 1, 1, continuous},
                                           SampleCase{"Small", 7, 5, continuous},
                                           SampleCase{"Larger", 300, 200, continuous},
                                           SampleCase{"Ties", 150, 250, heavily_tied},
                                           SampleCase{"MostlyZero", 60, 60, mostly_zero},
                                           SampleCase{"Magnitudes", 120, 90, many_magnitudes}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
