// ctest: integration slow
// `rollguard run`'s engine end to end, for real: demo-app processes as stable and canary, the
// built-in router in front, live traffic through it, builtin metrics and synthetic
// transactions judging the change, for a canary and for blue/green.
#include "controller/runtime/live_rollout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "controller/support/live_world.hpp"

namespace rollguard {
namespace {

using live_test::EventLog;
using live_test::run_to_end;
using live_test::versions_served;
using ::testing::HasSubstr;

const std::string kCanary = R"(
    canary:
      steps:
        - setWeight: 50
        - analysis: {templates: [errors]}
        - setWeight: 100)";

// Pre-promotion: a cart checkout through the preview route before users see 2.0.0; after the
// switch, errors are watched while 1.0.0 stays warm.
const std::string kBlueGreen = R"(
    blueGreen:
      prePromotionAnalysis: {templates: [checkout]}
      postPromotionAnalysis: {templates: [errors-after-switch]})";

struct LiveCase {
  std::string name;
  std::string strategy;
  std::string canary_flags;  // demo-app flags of 2.0.0, as an INI file
  Phase phase;
  std::string reason;  // part of the final message
};

class LiveRolloutTest : public ::testing::TestWithParam<LiveCase> {
 protected:
  RolloutSpec spec() const {
    return live_test::parse_spec(live_test::demo_app_rollout("live", flags_, router_port_) +
                                 R"(  strategy:)" + GetParam().strategy +
                                 R"(
  analysis:
    templates:
      - name: errors
        interval: 1s
        count: 3
        minSamples: 5
        inconclusiveLimit: 1  # a loaded test machine may starve the load for a moment
        metric: {builtin: {query: error_rate}}
        successCondition: "result < 0.05"
      # Long enough to see a version that starts failing 4 s after it started.
      - name: errors-after-switch
        interval: 1s
        count: 8
        minSamples: 3
        inconclusiveLimit: 2
        metric: {builtin: {query: error_rate}}
        successCondition: "result < 0.05"
      - name: checkout
        interval: 1s
        count: 2
        synthetic:
          target: preview
          timeout: 2s
          steps:
            - request: {method: POST, path: /cart, json: {sku: "A1", qty: 1}}
              expect: {status: 201, jsonPath: {"$.id": exists}}
              capture: {cartId: "$.id"}
            - request: {method: GET, path: "/cart/{{cartId}}"}
              expect: {status: 200, jsonPath: {"$.qty": {equals: 1}}}
  rollback: {progressDeadline: 1m, keepPreviousFor: 1s}
)");
  }

  live_test::DemoAppFlags flags_{"live", GetParam().canary_flags};
  std::uint16_t router_port_ = testing::free_port();
};

TEST_P(LiveRolloutTest, EndsInItsPhaseAndTheRouterServesOnlyTheKnownGood) {
  const LiveCase& c = GetParam();
  EventLog log;
  LiveRollout live(spec(), log.sink());
  ASSERT_EQ(live.start("1.0.0"), std::nullopt);
  const RolloutState s = run_to_end(live, router_port_);
  ASSERT_EQ(s.phase, c.phase) << s.message << "\n" << log.dump();
  EXPECT_THAT(s.message, HasSubstr(c.reason));
  const std::string known_good = c.phase == Phase::Succeeded ? "2.0.0" : "1.0.0";
  EXPECT_EQ(s.knownGood, known_good);
  EXPECT_EQ(versions_served(router_port_, 40), (std::map<std::string, int>{{known_good, 40}}));
  live.shutdown();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LiveRolloutTest,
    ::testing::Values(
        LiveCase{"FailingCanary", kCanary, "error-rate = 0.5\n", Phase::RolledBack,
                 "errors: error_rate"},
        LiveCase{"HealthyCanary", kCanary, "", Phase::Succeeded, ""},
        LiveCase{"HealthyBlueGreen", kBlueGreen, "", Phase::Succeeded, ""},
        // 2.0.0 fails the checkout through the preview route: users never reach it.
        LiveCase{"BlueGreenFailingPreview", kBlueGreen, "error-rate = 1\n", Phase::RolledBack,
                 "checkout: synthetic: step 1 POST /cart: expected status 201, got 500"},
        // Fine through the preview, then fails once it has all the traffic: the switch back
        // to the warm 1.0.0 is the rollback.
        LiveCase{"BlueGreenFailingAfterTheSwitch", kBlueGreen,
                 "error-after = 4s\nerror-rate = 0.5\n", Phase::RolledBack,
                 "errors-after-switch: error_rate"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
