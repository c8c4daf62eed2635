#include "health/providers/builtin/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace rollguard {
namespace {

double exact_quantile(std::vector<std::int64_t> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()) - 1e-9)));
  return static_cast<double>(values[rank - 1]);
}

TEST(LatencyHistogram, EveryValueMapsToABinWithinTheDocumentedError) {
  int previous_bin = -1;
  for (std::int64_t v = 0; v <= LatencyHistogram::kMaxValue; ++v) {
    const int bin = LatencyHistogram::bin_of(v);
    ASSERT_GE(bin, previous_bin) << v;  // monotone: quantiles keep their order
    ASSERT_LT(bin, LatencyHistogram::kBins) << v;
    previous_bin = bin;
    const double rep = LatencyHistogram::representative(bin);
    ASSERT_LE(std::abs(rep - static_cast<double>(v)),
              static_cast<double>(v) * LatencyHistogram::kMaxRelativeError)
        << v;
  }
  EXPECT_EQ(previous_bin, LatencyHistogram::kBins - 1);
  EXPECT_EQ(LatencyHistogram::bin_of(-5), 0);
  EXPECT_EQ(LatencyHistogram::bin_of(10'000'000), LatencyHistogram::kBins - 1);
}

TEST(LatencyHistogram, EmptyHasNoQuantile) {
  LatencyHistogram h;
  EXPECT_TRUE(std::isnan(h.quantile(0.5)));
  EXPECT_EQ(h.count(), 0u);
}

struct QuantileCase {
  const char* name;
  std::function<std::int64_t(std::mt19937&)> draw;
  int count;
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const QuantileCase& c, std::ostream* os) {
  *os << c.name;
}

class HistogramQuantiles : public ::testing::TestWithParam<QuantileCase> {};

TEST_P(HistogramQuantiles, MatchExactNearestRankWithinError) {
  std::mt19937 rng(7);
  std::vector<std::int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < GetParam().count; ++i) {
    values.push_back(GetParam().draw(rng));
    h.add(values.back());
  }
  for (double q : {0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = exact_quantile(values, q);
    EXPECT_NEAR(h.quantile(q), exact, exact * LatencyHistogram::kMaxRelativeError) << "q=" << q;
  }
  LatencyHistogram merged;
  merged.merge(h);
  merged.merge(h);
  EXPECT_EQ(merged.count(), 2 * h.count());
  EXPECT_EQ(merged.quantile(0.9), h.quantile(0.9));
}

INSTANTIATE_TEST_SUITE_P(
    Distributions, HistogramQuantiles,
    ::testing::Values(
        QuantileCase{
            "uniform_small_exact",
            [](std::mt19937& r) { return std::uniform_int_distribution<std::int64_t>(0, 127)(r); },
            10'000},
        QuantileCase{"lognormal_web_latency",
                     [](std::mt19937& r) {
                       return static_cast<std::int64_t>(std::lognormal_distribution<>(4.0, 0.8)(r));
                     },
                     50'000},
        QuantileCase{"heavy_tail_to_minutes",
                     [](std::mt19937& r) {
                       return static_cast<std::int64_t>(std::min(
                           100'000.0,
                           20 * std::pow(std::uniform_real_distribution<>(0.0001, 1.0)(r), -1.5)));
                     },
                     20'000},
        QuantileCase{"single_value", [](std::mt19937&) { return std::int64_t{4321}; }, 17}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rollguard
