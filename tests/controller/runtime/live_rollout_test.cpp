// ctest: integration
// `rollguard run`'s engine end to end, for real: demo-app processes as stable and canary, the
// built-in router in front, live traffic through it, builtin metrics and synthetic
// transactions judging the change, for a canary and for blue/green.
#include "controller/runtime/live_rollout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "controller/support/live_world.hpp"

namespace rollguard {
namespace {

namespace fs = std::filesystem;
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
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rollguard-live-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "1.0.0.ini") << "";
    std::ofstream(dir_ / "2.0.0.ini") << GetParam().canary_flags;
    router_port_ = router_test::free_port();
  }
  void TearDown() override { fs::remove_all(dir_); }

  RolloutSpec spec() const {
    const int first = live_test::port_range_start();
    return live_test::parse_spec(
        R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: live}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    process:
      command: [")" +
        std::string(ROLLGUARD_DEMO_APP) +
        R"(", "--port", "{{port}}", "--version", "{{version}}", "--config", ")" +
        (dir_ / "{{version}}.ini").string() + R"("]
      instances: 1
      portRange: [)" +
        std::to_string(first) + ", " + std::to_string(first + 19) + R"(]
      readiness: {http: {path: /healthz}, timeout: 20s}
  traffic:
    builtin: {listen: "127.0.0.1:)" +
        std::to_string(router_port_) + R"("}
  strategy:)" +
        GetParam().strategy +
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

  fs::path dir_;
  std::uint16_t router_port_ = 0;
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
