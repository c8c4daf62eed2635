// ctest: integration
// Does the simulator predict the live behaviour? One rollout run for real (demo-app processes
// behind the built-in router, a load generator at a fixed rate, the canary failing 20% of its
// requests from its first one) and simulated 200 times at the rate the live load achieved;
// the live time to detect and failed requests must fall within the simulated spread, with a
// generous tolerance for one live sample (docs/benchmarks.md, "Simulator fidelity").
#include <gtest/gtest.h>

#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "controller/runtime/live_rollout.hpp"
#include "controller/simulation/monte_carlo.hpp"
#include "controller/support/live_world.hpp"
#include "manifests/rollout_parser.hpp"

namespace rollguard {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr double kCanaryErrorRate = 0.2;
constexpr int kLoadThreads = 2;
constexpr auto kPeriod = std::chrono::milliseconds(20);  // per thread: 100 requests/s in all

struct Answer {
  SteadyTime at;
  std::string version;
  int status = 0;
};

std::string rollout_yaml(const live_test::DemoAppFlags& flags, std::uint16_t router_port) {
  return live_test::demo_app_rollout("fidelity", flags, router_port) + R"(  strategy:
    canary:
      baseline: true
      steps:
        - setWeight: 20
        - pause: {duration: 20s}
        - setWeight: 100
  analysis:
    background: {templates: [evidence]}
    templates:
      - name: evidence
        interval: 1s
        metric: {builtin: {query: error_rate}}
        compare: {against: baseline, judge: sequential, direction: increase, confidence: 0.99}
  rollback: {progressDeadline: 1m}
)";
}

struct LiveFigures {
  Phase phase = Phase::Pending;
  double time_to_detect = -1;  // first canary answer to RollingBack, seconds
  std::int64_t faulty = 0, failed = 0;
  double rate = 0;
};

LiveFigures run_live(const RolloutSpec& spec, std::uint16_t router_port) {
  std::mutex mutex;
  std::optional<SteadyTime> detected;
  LiveRollout live(spec, [&](const Event& e, const RolloutState&) {
    std::lock_guard lock(mutex);
    if (!detected && e.kind == EventKind::PhaseChanged && e.phase == Phase::RollingBack)
      detected = std::chrono::steady_clock::now();
  });
  EXPECT_EQ(live.start("1.0.0"), std::nullopt);
  // Requests through the router at a fixed pace per thread, every answer kept.
  std::mutex answers_mutex;
  std::vector<Answer> answers;
  testing::Load load(router_port,
                     {.threads = kLoadThreads,
                      .period = kPeriod,
                      .paced = true,
                      .on_answer = [&](const testing::TestResponse& response) {
                        std::lock_guard lock(answers_mutex);
                        answers.push_back({std::chrono::steady_clock::now(),
                                           response.header("X-Version"), response.status});
                      }});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && !is_terminal(live.state().phase))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  load.stop();
  LiveFigures out;
  out.phase = live.state().phase;
  live.shutdown();
  out.rate = load.rate();
  std::optional<SteadyTime> onset;
  for (const Answer& a : answers) {
    if (a.version != "2.0.0") continue;
    if (!onset || a.at < *onset) onset = a.at;
    ++out.faulty;
    out.failed += a.status >= 500;
  }
  std::lock_guard lock(mutex);
  if (onset && detected)
    out.time_to_detect = std::chrono::duration<double>(*detected - *onset).count();
  return out;
}

TEST(FidelityTest, SimulationPredictsTheLiveRollout) {
  std::ostringstream canary_flags;
  canary_flags << "error-rate = " << kCanaryErrorRate << "\n";
  std::optional<live_test::DemoAppFlags> flags;
  flags.emplace("fidelity", canary_flags.str());
  const std::uint16_t router_port = testing::free_port();
  Parsed<RolloutSpec> parsed =
      parse_rollout_text(rollout_yaml(*flags, router_port), Format::Yaml, "fidelity.yaml");
  ASSERT_TRUE(parsed.ok());
  const LiveFigures live = run_live(*parsed.value, router_port);
  flags.reset();
  ASSERT_EQ(live.phase, Phase::RolledBack);
  ASSERT_GT(live.time_to_detect, 0);

  ScenarioSpec scenario;
  scenario.metadata.name = "fidelity";
  scenario.rollout = *parsed.value;
  scenario.traffic = {{0s, live.rate}};
  scenario.duration = 10min;
  scenario.stable = VersionBehaviour{0.0, LatencyModel{1ms, 5ms}, {}};
  scenario.canary = VersionBehaviour{
      0.0, LatencyModel{1ms, 5ms}, {Fault{0s, kCanaryErrorRate, std::nullopt, false}}};
  const sim::MonteCarloReport simulated = sim::simulate_many(scenario, 1, 200, 2);

  std::cout << "fidelity: live at " << live.rate << " rps: time to detect " << live.time_to_detect
            << " s, faulty " << live.faulty << ", failed " << live.failed
            << " | simulated (200 runs): rolled back " << simulated.rolled_back_rate
            << ", time to detect p50 " << simulated.time_to_detect.p50.value_or(-1) << " s p95 "
            << simulated.time_to_detect.p95.value_or(-1) << " s, failed p50 "
            << simulated.failed_requests.p50.value_or(-1) << " p95 "
            << simulated.failed_requests.p95.value_or(-1) << "\n";

  EXPECT_GE(simulated.rolled_back_rate, 0.95);
  ASSERT_TRUE(simulated.time_to_detect.p50);
  // One live sample against the simulated median: within a factor of 3, plus the 1 s the
  // live judge may wait for its bucket to close.
  const double ttd = *simulated.time_to_detect.p50;
  EXPECT_LE(live.time_to_detect, 3 * ttd + 1) << "simulated median " << ttd;
  EXPECT_GE(live.time_to_detect, ttd / 3 - 1) << "simulated median " << ttd;
  const double failed = *simulated.failed_requests.p50;
  EXPECT_LE(double(live.failed), 3 * failed + 5) << "simulated median " << failed;
  EXPECT_GE(double(live.failed), failed / 3 - 5) << "simulated median " << failed;
}

}  // namespace
}  // namespace rollguard
