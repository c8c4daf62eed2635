// The analysis engine's view of the model answers like the built-in router's outcome window:
// error rates and request rates from the counts, latency quantiles at the histogram's
// resolution near the fitted distribution's, per-request samples capped the same way.
#include "controller/simulation/model_outcomes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace rollguard::sim {
namespace {

ScenarioSpec scenario() {
  ScenarioSpec s;
  s.rollout.stable = "1.0.0";
  s.rollout.canary = "2.0.0";
  s.traffic = {{0s, 200}};
  s.stable = VersionBehaviour{0.05, LatencyModel{40ms, 180ms}, {}};
  s.canary = VersionBehaviour{0.0, LatencyModel{100ms, 100ms}, {}};
  return s;
}

class ModelOutcomesTest : public ::testing::Test {
 protected:
  ModelOutcomesTest() { model_.set_split({100, 0, 0}, TimePoint{}); }
  ScenarioSpec scenario_ = scenario();
  TrafficModel model_{scenario_, TimePoint{}, 1s, 15min, 11, {true, true, true}};
  ModelOutcomes outcomes_{model_, 12};
};

TEST_F(ModelOutcomesTest, ErrorAndRequestRatesComeFromTheCounts) {
  const TimePoint end = TimePoint{} + 5min;
  const MetricReading errors = outcomes_.reading(Role::Stable, BuiltinQuery::ErrorRate, end, 1min);
  EXPECT_NEAR(errors.value.at(0), 0.05, 0.01);
  EXPECT_NEAR(double(errors.samples), 12000, 600);
  const MetricReading rate = outcomes_.reading(Role::Stable, BuiltinQuery::RequestRate, end, 1min);
  EXPECT_NEAR(rate.value.at(0), 200, 10);
  const MetricReading none = outcomes_.reading(Role::Canary, BuiltinQuery::ErrorRate, end, 1min);
  EXPECT_TRUE(std::isnan(none.value.at(0)));
  EXPECT_EQ(none.samples, 0);
}

struct QuantileCase {
  std::string name;
  BuiltinQuery query;
  double expected_ms;  // of the fitted log-normal
};

class ModelQuantileTest : public ModelOutcomesTest,
                          public ::testing::WithParamInterface<QuantileCase> {};

TEST_P(ModelQuantileTest, NearTheFittedDistribution) {
  const QuantileCase& c = GetParam();
  const MetricReading r = outcomes_.reading(Role::Stable, c.query, TimePoint{} + 5min, 5min);
  EXPECT_NEAR(r.value.at(0), c.expected_ms, 0.04 * c.expected_ms) << c.name;
  EXPECT_NEAR(double(r.samples), 60000, 1500);
}

INSTANTIATE_TEST_SUITE_P(Quantiles, ModelQuantileTest,
                         ::testing::Values(QuantileCase{"p50", BuiltinQuery::LatencyP50, 40},
                                           QuantileCase{"p90", BuiltinQuery::LatencyP90,
                                                        40 * std::exp(1.2815515655 * 0.6466)},
                                           QuantileCase{"p99", BuiltinQuery::LatencyP99, 180}),
                         [](const auto& info) { return info.param.name; });

TEST_F(ModelOutcomesTest, SamplesAreSortedAtHistogramResolutionAndCapped) {
  model_.set_split({0, 100, 0}, TimePoint{} + 1min);
  const auto few = outcomes_.samples(Role::Canary, BuiltinQuery::LatencyP99, TimePoint{} + 61s, 1s);
  EXPECT_GT(few.size(), 150u);
  EXPECT_TRUE(std::is_sorted(few.begin(), few.end()));
  for (double v : few) EXPECT_EQ(v, 100);  // p50 = p99: every request takes 100 ms
  const auto many =
      outcomes_.samples(Role::Stable, BuiltinQuery::LatencyP50, TimePoint{} + 1min, 1min);
  EXPECT_EQ(many.size(), 5000u);
  EXPECT_TRUE(std::is_sorted(many.begin(), many.end()));
  EXPECT_NEAR(many[2500], 40, 2);
  const auto per_bucket =
      outcomes_.samples(Role::Stable, BuiltinQuery::ErrorRate, TimePoint{} + 1min, 10s);
  EXPECT_EQ(per_bucket.size(), 10u);
}

TEST_F(ModelOutcomesTest, BatchesAreTheBucketsWithRequests) {
  std::vector<OutcomeBatch> batches;
  outcomes_.batches(Role::Stable, TimePoint{} + 30s, 10s, batches);
  ASSERT_EQ(batches.size(), 10u);
  EXPECT_EQ(batches.front().start, TimePoint{} + 20s);
  std::int64_t requests = 0;
  for (const OutcomeBatch& b : batches) requests += b.requests;
  const WindowCounts c = outcomes_.counts(Role::Stable, TimePoint{} + 30s, 10s);
  EXPECT_EQ(requests, c.requests);
}

TEST(AtHistogramResolutionTest, MatchesTheRoutersHistogram) {
  EXPECT_EQ(at_histogram_resolution(40.7), 40);
  EXPECT_EQ(at_histogram_resolution(-3), 0);
  LatencyHistogram h;
  h.add(1000);
  EXPECT_EQ(at_histogram_resolution(1000.2), h.quantile(0.5));
}

}  // namespace
}  // namespace rollguard::sim
