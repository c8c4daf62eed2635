#include "controller/targets/static/static_target_driver.hpp"

#include <gtest/gtest.h>

#include "tests/controller/targets/target_test_support.hpp"

namespace rollguard::testing {
namespace {

StaticTarget fixed() {
  StaticTarget t;
  t.stable = {"10.0.0.5:8080", "10.0.0.6:8080"};
  t.canary = {"10.0.0.9:8080"};
  return t;  // no baseline
}

struct Call {
  Role role;
  std::string version;
  int count;
};

struct StaticCase {
  const char* name;
  std::vector<Call> calls;
  std::vector<TargetReport> expected;
};

class StaticTargetTest : public ::testing::TestWithParam<StaticCase> {};

TEST_P(StaticTargetTest, Reports) {
  DriverLoop loop;
  StaticTargetDriver driver(fixed(), loop.io.get_executor());
  loop.watch(driver);
  for (const auto& call : GetParam().calls) driver.scale(call.role, call.version, call.count);
  bool done = false;
  driver.shutdown([&] { done = true; });
  ASSERT_TRUE(loop.run_until([&] { return done; }));
  ASSERT_EQ(loop.reports.size(), GetParam().expected.size());
  for (std::size_t i = 0; i < loop.reports.size(); ++i) {
    const auto& got = loop.reports[i];
    const auto& want = GetParam().expected[i];
    EXPECT_EQ(got.role, want.role) << i;
    EXPECT_EQ(got.ready, want.ready) << i;
    EXPECT_EQ(got.endpoints, want.endpoints) << i;
    EXPECT_EQ(got.failure, want.failure) << i;
  }
}

const std::vector<std::string> kStableEndpoints{"10.0.0.5:8080", "10.0.0.6:8080"};
const std::vector<std::string> kCanaryEndpoints{"10.0.0.9:8080"};

INSTANTIATE_TEST_SUITE_P(
    Cases, StaticTargetTest,
    ::testing::Values(
        StaticCase{
            "ReadyAtOnceWithItsEndpoints",
            {{Role::Stable, "1.0.0", 2}, {Role::Canary, "2.0.0", 2}},
            {{Role::Stable, 2, kStableEndpoints, ""}, {Role::Canary, 2, kCanaryEndpoints, ""}}},
        StaticCase{"TheSameRequestTwiceReportsOnce",
                   {{Role::Canary, "2.0.0", 1}, {Role::Canary, "2.0.0", 1}},
                   {{Role::Canary, 1, kCanaryEndpoints, ""}}},
        StaticCase{"ZeroIsNone",
                   {{Role::Canary, "2.0.0", 1}, {Role::Canary, "2.0.0", 0}},
                   {{Role::Canary, 1, kCanaryEndpoints, ""}, {Role::Canary, 0, {}, ""}}},
        StaticCase{"ZeroWhenAlreadyDownSaysNothing", {{Role::Canary, "2.0.0", 0}}, {}},
        StaticCase{"ARoleWithoutEndpointsFails",
                   {{Role::Baseline, "1.0.0", 1}},
                   {{Role::Baseline, 0, {}, "no static endpoints for baseline 1.0.0"}}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rollguard::testing
