// The simulator's ground truth: whether the change is worse than stable at one moment, from
// the two versions' profiles and the faults switched on, on failures, p50 and p99 latency.
#include "controller/simulation/worse_than_stable.hpp"

#include <gtest/gtest.h>

namespace rollguard::sim {
namespace {

ServedBehaviour served(double failure_rate, double p50, double p99, bool crashed = false) {
  return {crashed ? 1.0 : failure_rate, p50, p99, crashed};
}

struct WorseCase {
  const char* name;
  ServedBehaviour version, stable;
  bool worse;
  const char* why;  // describe(); "" when not worse
};

class WorseThanStableTest : public ::testing::TestWithParam<WorseCase> {};

TEST_P(WorseThanStableTest, ComparesEverySignal) {
  const WorseCase& c = GetParam();
  const StableComparison cmp = compare_with_stable(c.version, c.stable);
  EXPECT_EQ(cmp.worse(), c.worse);
  EXPECT_EQ(describe(cmp, c.version, c.stable), c.why);
}

const ServedBehaviour kStable = served(0.001, 40, 180);

INSTANTIATE_TEST_SUITE_P(
    Cases, WorseThanStableTest,
    ::testing::Values(WorseCase{"SameProfile", kStable, kStable, false, ""},
                      WorseCase{"MoreErrors", served(0.20, 40, 180), kStable, true,
                                "error rate 0.2 vs stable's 0.001"},
                      WorseCase{"AnyAmountMoreIsWorse", served(0.0011, 40, 180), kStable, true,
                                "error rate 0.0011 vs stable's 0.001"},
                      WorseCase{"FewerErrorsIsNotWorse", served(0.0, 40, 180), kStable, false, ""},
                      WorseCase{"Slower", served(0.001, 120, 540), kStable, true,
                                "p50 120ms vs stable's 40ms, p99 540ms vs stable's 180ms"},
                      WorseCase{"OnlyTheTailSlower", served(0.001, 40, 600), kStable, true,
                                "p99 600ms vs stable's 180ms"},
                      WorseCase{"FasterIsNotWorse", served(0.001, 20, 90), kStable, false, ""},
                      WorseCase{"FasterButFailingMore", served(0.05, 20, 90), kStable, true,
                                "error rate 0.05 vs stable's 0.001"},
                      WorseCase{"Crashed", served(0, 40, 180, true), kStable, true, "crashed"},
                      WorseCase{"BothCrashed", served(0, 40, 180, true), served(0, 40, 180, true),
                                false, ""},
                      WorseCase{"StableCrashedAndTheChangeAnswers", served(0.5, 400, 900),
                                served(0, 40, 180, true), false, ""}),
    [](const auto& info) { return info.param.name; });

// From a scenario's profile and faults: a fault that sets what the profile already has, or a
// latency factor of 1, changes nothing.
TEST(ServedBehaviourTest, FollowsTheProfileAndTheFaultsSwitchedOn) {
  VersionBehaviour spec;
  spec.errorRate = 0.001;
  spec.faults = {Fault{0s, 0.001, 1.0, false}, Fault{1min, std::nullopt, 3.0, false},
                 Fault{2min, std::nullopt, std::nullopt, true}};
  const VersionModel model(spec);
  const ServedBehaviour stable = served_behaviour(VersionModel(VersionBehaviour{0.001, {}, {}}),
                                                  VersionState{0.001, 1, false, 0});
  const auto at = [&](Duration t) { return served_behaviour(model, model.at(t)); };
  EXPECT_FALSE(compare_with_stable(at(30s), stable).worse());
  const ServedBehaviour slow = at(90s);
  EXPECT_DOUBLE_EQ(slow.p50_ms, 120);
  EXPECT_DOUBLE_EQ(slow.p99_ms, 540);
  EXPECT_TRUE(compare_with_stable(slow, stable).latency_p99);
  const ServedBehaviour down = at(3min);
  EXPECT_TRUE(down.crashed);
  EXPECT_DOUBLE_EQ(down.failure_rate, 1.0);
  EXPECT_TRUE(compare_with_stable(down, stable).crashed);
}

}  // namespace
}  // namespace rollguard::sim
