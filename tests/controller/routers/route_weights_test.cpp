#include "controller/routers/route_weights.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

struct WeightCase {
  std::string name;
  TrafficSplit split;
  RoleCounts servers;
  int max_weight;
  RoleWeights expect;
};

class IntegerWeights : public ::testing::TestWithParam<WeightCase> {};

TEST_P(IntegerWeights, ApproximateTheSplitWithTheSmallestExactWeights) {
  const auto& c = GetParam();
  EXPECT_EQ(integer_weights(c.split, c.servers, c.max_weight), c.expect);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IntegerWeights,
    ::testing::Values(
        WeightCase{"AllStable", {100, 0, 0}, {1, 1, 0}, 256, {1, 0, 0}},
        WeightCase{"AllCanary", {0, 100, 0}, {1, 1, 0}, 256, {0, 1, 0}},
        WeightCase{"Half", {50, 50, 0}, {1, 1, 0}, 256, {1, 1, 0}},
        WeightCase{"FivePercent", {95, 5, 0}, {1, 1, 0}, 256, {19, 1, 0}},
        WeightCase{"HalfPercent", {99.5, 0.5, 0}, {1, 1, 0}, 256, {199, 1, 0}},
        // 33.3/66.7 needs 667 for an exact answer; 2:1 is the closest within 256.
        WeightCase{"Thirds", {66.7, 33.3, 0}, {1, 1, 0}, 256, {2, 1, 0}},
        // Per server: 45 and 10, i.e. 9:2.
        WeightCase{"TwoStableServers", {90, 10, 0}, {2, 1, 0}, 256, {9, 2, 0}},
        WeightCase{"WithBaseline", {80, 10, 10}, {1, 1, 1}, 256, {8, 1, 1}},
        // Below what 256 can express, the canary still gets the least weight there is.
        WeightCase{"TinyShareNeverStarved", {99.95, 0.05, 0}, {1, 1, 0}, 256, {256, 1, 0}},
        WeightCase{"NginxScale", {99.9, 0.1, 0}, {1, 1, 0}, 1000, {999, 1, 0}},
        // The caller reports a share without servers; here it simply gets nothing.
        WeightCase{"ShareWithoutServers", {90, 10, 0}, {1, 0, 0}, 256, {1, 0, 0}}),
    [](const auto& info) { return info.param.name; });

TEST(EffectiveSplit, IsWhatTheWeightsProduce) {
  const TrafficSplit got = effective_split({9, 2, 0}, {2, 1, 0});
  EXPECT_DOUBLE_EQ(got.stable, 90);
  EXPECT_DOUBLE_EQ(got.canary, 10);
  EXPECT_DOUBLE_EQ(got.baseline, 0);
  EXPECT_EQ(effective_split({0, 0, 0}, {1, 1, 1}), (TrafficSplit{0, 0, 0}));
}

}  // namespace
}  // namespace rollguard
