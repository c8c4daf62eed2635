#include "controller/routers/builtin/proxy/weighted_picker.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rollguard {
namespace {

struct PickerCase {
  std::string name;
  TrafficSplit split;
  int requests;
  RoleCounts expected;
};

class WeightedPickerTest : public ::testing::TestWithParam<PickerCase> {};

TEST_P(WeightedPickerTest, SplitIsExactOverAWholeCycle) {
  const auto& c = GetParam();
  WeightedPicker picker(c.split);
  RoleCounts counts;
  for (int i = 0; i < c.requests; ++i) counts[picker.next()]++;
  EXPECT_EQ(counts, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Splits, WeightedPickerTest,
    ::testing::Values(PickerCase{"all_stable", {100, 0, 0}, 50, {50, 0, 0}},
                      PickerCase{"all_canary", {0, 100, 0}, 50, {0, 50, 0}},
                      PickerCase{"half", {50, 50, 0}, 1000, {500, 500, 0}},
                      PickerCase{"five_percent", {95, 5, 0}, 400, {380, 20, 0}},
                      PickerCase{"with_baseline", {90, 5, 5}, 200, {180, 10, 10}},
                      PickerCase{"fractional", {97.5, 2.5, 0}, 400, {390, 10, 0}},
                      PickerCase{"relative_weights", {1, 1, 2}, 400, {100, 100, 200}},
                      PickerCase{"all_zero_is_stable", {0, 0, 0}, 10, {10, 0, 0}},
                      PickerCase{"negative_is_zero", {-5, 100, 0}, 10, {0, 10, 0}}),
    [](const auto& info) { return info.param.name; });

TEST(WeightedPicker, SpreadsTheMinorityOut) {
  // Smooth WRR: 10% canary means one canary in every 10 consecutive requests, not ten in a
  // row, so a short window sees the intended share.
  WeightedPicker picker({90, 10, 0});
  for (int window = 0; window < 20; ++window) {
    int canary = 0;
    for (int i = 0; i < 10; ++i) canary += picker.next() == Role::Canary;
    EXPECT_EQ(canary, 1) << "window " << window;
  }
}

}  // namespace
}  // namespace rollguard
