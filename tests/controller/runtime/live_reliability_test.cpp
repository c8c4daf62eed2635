// ctest: integration slow
// How a live rollout fails, for real: demo-app processes, the built-in router or a real HAProxy,
// live traffic. Each case checks the final phase, the reason a person reads, and that every
// request through the router is then answered by the known-good version.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "controller/support/live_world.hpp"
#include "controller/support/proxy_process.hpp"
#include "support/demo_app_process.hpp"
#include "support/free_port.hpp"

namespace rollguard {
namespace {

using live_test::EventLog;
using live_test::parse_spec;
using live_test::run_to_end;
using live_test::versions_served;
using ::testing::HasSubstr;
using ::testing::Not;

const std::map<std::string, int> kAllKnownGood{{"1.0.0", 40}};

// The canary's misbehaviour (demo-app flags as an INI file), the analysis that should catch it
// and what the reason must say.
struct ProcessCase {
  std::string name;
  std::string canary_flags;
  std::string readiness_timeout;
  std::string analysis;  // the `analysis.templates` entries
  std::string reason;
};

class LiveProcessFailure : public ::testing::TestWithParam<ProcessCase> {
 protected:
  RolloutSpec spec() const {
    const ProcessCase& c = GetParam();
    return parse_spec(live_test::demo_app_rollout("reliability", flags_, router_port_,
                                                  c.readiness_timeout) +
                      R"(  strategy:
    canary:
      steps:
        - setWeight: 50
        - analysis: {templates: [check]}
        - pause: {duration: 20s}
        - setWeight: 100
  analysis:
    templates:
)" + c.analysis + R"(
  rollback: {progressDeadline: 40s}
)");
  }

  live_test::DemoAppFlags flags_{"reliability-" + GetParam().name, GetParam().canary_flags};
  std::uint16_t router_port_ = testing::free_port();
};

TEST_P(LiveProcessFailure, RollsBackWithItsReasonAndOnlyTheKnownGoodServes) {
  EventLog log;
  LiveRollout live(spec(), log.sink());
  ASSERT_EQ(live.start("1.0.0"), std::nullopt);
  const RolloutState state = run_to_end(live, router_port_);
  ASSERT_EQ(state.phase, Phase::RolledBack) << state.message << "\n" << log.dump();
  EXPECT_THAT(state.message, HasSubstr(GetParam().reason));
  EXPECT_THAT(state.message, HasSubstr("1.0.0 serves 100% (verified)"));
  EXPECT_EQ(state.knownGood, "1.0.0");
  EXPECT_EQ(versions_served(router_port_, 40), kAllKnownGood);
  live.shutdown();
}

const std::string kErrorRate = R"(      - name: check
        interval: 1s
        count: 3
        minSamples: 5
        inconclusiveLimit: 1  # a loaded test machine may starve the load for a moment
        metric: {builtin: {query: error_rate}}
        successCondition: "result < 0.05")";

INSTANTIATE_TEST_SUITE_P(
    Cases, LiveProcessFailure,
    ::testing::Values(
        // Healthy through the analysis, then the process dies during the pause that follows.
        ProcessCase{"CrashesMidStep", "crash-after = 6s\n", "20s", kErrorRate,
                    "exited with status 1"},
        ProcessCase{"NeverBecomesReady", "fail-readiness = true\n", "2s", kErrorRate,
                    "not ready after 2s: expected status 200, got 503"},
        ProcessCase{"AnswersSlowly", "latency = 300ms\n", "20s", R"(      - name: check
        interval: 3s
        count: 2
        minSamples: 3
        metric: {builtin: {query: latency_p99}}
        successCondition: "result < 100")",
                    "latency_p99"},
        ProcessCase{"ResetsConnections", "reset-rate = 0.5\n", "20s", kErrorRate, "error_rate"}),
    [](const auto& info) { return info.param.name; });

// A `command` target whose deploy fails: the command's exit and output are the reason.
TEST(LiveCommandTargetFailure, DeployFailureRollsBackWithTheCommandsOutput) {
  testing::DemoAppProcess stable, canary;
  ASSERT_TRUE(stable.start({"--version", "1.0.0"}));
  ASSERT_TRUE(canary.start({"--version", "2.0.0"}));
  const std::uint16_t router_port = testing::free_port();
  const RolloutSpec spec = parse_spec(R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: command-failure}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    command:
      deploy: ["sh", "-c", "if [ {{version}} = 2.0.0 ]; then echo 'image 2.0.0 not found' >&2; exit 3; fi"]
      timeout: 10s
      endpoints:
        stable: ["127.0.0.1:)" + std::to_string(stable.port) +
                                      R"("]
        canary: ["127.0.0.1:)" + std::to_string(canary.port) +
                                      R"("]
  traffic:
    builtin: {listen: "127.0.0.1:)" + std::to_string(router_port) +
                                      R"("}
  strategy:
    canary:
      steps:
        - setWeight: 50
        - pause: {duration: 20s}
  rollback: {progressDeadline: 30s}
)");
  EventLog log;
  LiveRollout live(spec, log.sink());
  ASSERT_EQ(live.start("1.0.0"), std::nullopt);
  const RolloutState state = run_to_end(live, router_port);
  ASSERT_EQ(state.phase, Phase::RolledBack) << state.message << "\n" << log.dump();
  EXPECT_THAT(state.message,
              HasSubstr("deploy for canary 2.0.0 failed (exit 3): image 2.0.0 not found"));
  EXPECT_EQ(versions_served(router_port, 40), kAllKnownGood);
  live.shutdown();
}

// The router's peer goes away just as the rollback starts: the rollback is retried, then the
// rollout is Failed (a person must act), never RolledBack on faith. Once the peer is back,
// `retry` completes the rollback and HAProxy serves only the known-good version.
TEST(LiveRouterFailure, UnreachableWhileRollingBackIsFailedThenRetryRestores) {
  testing::DemoAppProcess stable, canary;
  ASSERT_TRUE(stable.start({"--version", "1.0.0"}));
  ASSERT_TRUE(canary.start({"--version", "2.0.0", "--fail-readiness"}));  // fails its probe
  router_test::ScratchDir dir;
  const std::string socket = dir.file("admin.sock");
  const std::uint16_t port = testing::free_port();
  router_test::write_text(dir.file("haproxy.cfg"),
                          "global\n  stats socket " + socket +
                              " mode 600 level admin\n"
                              "defaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n"
                              "  timeout server 10s\n"
                              "frontend app\n  bind 127.0.0.1:" +
                              std::to_string(port) +
                              "\n  default_backend app\n"
                              "backend app\n  balance roundrobin\n"
                              "  server s1 127.0.0.1:" +
                              std::to_string(stable.port) +
                              " weight 1\n"
                              "  server s2 127.0.0.1:" +
                              std::to_string(canary.port) + " weight 0\n");
  router_test::ProxyProcess haproxy;
  ASSERT_EQ(haproxy.start({"/usr/sbin/haproxy", "-db", "-f", dir.file("haproxy.cfg")}, "haproxy",
                          dir.file("haproxy.log")),
            "");
  const auto up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!(router_test::tcp_accepts(port) && router_test::unix_accepts(socket)) &&
         std::chrono::steady_clock::now() < up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(router_test::unix_accepts(socket)) << haproxy.log();

  const RolloutSpec spec = parse_spec(R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: router-failure}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    static:
      stable: ["127.0.0.1:)" + std::to_string(stable.port) +
                                      R"("]
      canary: ["127.0.0.1:)" + std::to_string(canary.port) +
                                      R"("]
  traffic:
    haproxy: {runtimeApi: "unix:)" + socket +
                                      R"(", backend: app,
              servers: {stable: [s1], canary: [s2]}}
  strategy:
    canary:
      steps:
        - setWeight: 50
        - pause: {duration: 30s}
  probes:
    - {name: ready, http: {path: /healthz}, interval: 200ms, failureThreshold: 2}
  rollback: {progressDeadline: 3s}
)");
  // The event sink runs before the reconciler acts on the transition: the socket is gone
  // before the rollback's first apply.
  EventLog log;
  LiveRollout live(spec, log.sink([&](const Event& e) {
    if (e.kind == EventKind::PhaseChanged && e.phase == Phase::RollingBack &&
        !log.entered(Phase::Failed))
      std::filesystem::rename(socket, socket + ".away");
  }));
  ASSERT_EQ(live.start("1.0.0"), std::nullopt);
  RolloutState state = run_to_end(live, port);
  ASSERT_EQ(state.phase, Phase::Failed) << log.dump();
  EXPECT_FALSE(log.entered(Phase::RolledBack));
  EXPECT_THAT(state.message, HasSubstr("rollback not verified within 3s"));
  int retries = 0;
  for (const Event& e : log.events())
    retries += e.reason.find("haproxy unix:" + socket) != std::string::npos &&
               e.reason.ends_with("(retrying)");
  EXPECT_GE(retries, 2) << log.dump();

  std::filesystem::rename(socket + ".away", socket);
  OperatorCommand retry;
  retry.action = Action::Retry;
  EXPECT_EQ(live.command(retry).refusal, std::nullopt);
  state = run_to_end(live, port);
  ASSERT_EQ(state.phase, Phase::RolledBack) << log.dump();
  EXPECT_THAT(state.message, HasSubstr("1.0.0 serves 100% (verified)"));
  EXPECT_EQ(versions_served(port, 40), kAllKnownGood);
  live.shutdown();
}

}  // namespace
}  // namespace rollguard
