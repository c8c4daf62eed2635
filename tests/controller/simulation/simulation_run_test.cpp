// One simulated rollout end to end: the real reconciler and analysis engine against the model,
// measured from outside, and the same bytes for the same seed.
#include "controller/simulation/simulation_run.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/simulation/monte_carlo.hpp"
#include "controller/simulation/report.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard::sim {
namespace {

using ::testing::HasSubstr;

ScenarioSpec load(const std::string& name) {
  auto parsed =
      load_scenario_file(std::string(ROLLGUARD_SOURCE_DIR) + "/examples/scenarios/" + name);
  EXPECT_TRUE(parsed.ok()) << name;
  return *parsed.value;
}

std::string bytes(const ScenarioSpec& s, std::uint64_t seed) {
  const RunReport r = simulate_run(s, seed);
  std::string out = text_report(s.metadata.name, r);
  for (const Event& e : r.timeline) out += event_json(e).dump() + "\n";
  return out + summary_json(s.metadata.name, r).dump();
}

struct DeterminismCase {
  std::string name;
  std::string file;
};

class DeterminismTest : public ::testing::TestWithParam<DeterminismCase> {};

TEST_P(DeterminismTest, SameSeedSameBytesOtherSeedOtherRun) {
  const ScenarioSpec s = load(GetParam().file);
  const std::string first = bytes(s, 42);
  EXPECT_EQ(first, bytes(s, 42));
  EXPECT_NE(first, bytes(s, 43));
}

INSTANTIATE_TEST_SUITE_P(Scenarios, DeterminismTest,
                         ::testing::Values(DeterminismCase{"healthy", "healthy-canary.yaml"},
                                           DeterminismCase{"error_spike", "error-spike.yaml"},
                                           DeterminismCase{"latency", "latency-regression.yaml"},
                                           DeterminismCase{"crash", "crash.yaml"}),
                         [](const auto& info) { return info.param.name; });

TEST(SimulationRunTest, MonteCarloIsTheSameOnAnyNumberOfThreads) {
  const ScenarioSpec s = load("error-spike.yaml");
  const auto one = summary_json("x", simulate_many(s, 100, 8, 1)).dump();
  const auto two = summary_json("x", simulate_many(s, 100, 8, 2)).dump();
  EXPECT_EQ(one, two);
  const RunReport third = simulate_run(s, 102);
  const MonteCarloReport many = simulate_many(s, 100, 8, 2);
  EXPECT_EQ(many.reports[2].faulty_requests, third.faulty_requests);
  EXPECT_EQ(many.reports[2].time_to_detect, third.time_to_detect);
}

TEST(SimulationRunTest, AHealthyCanaryIsPromotedWithNothingToDetect) {
  const RunReport r = simulate_run(load("healthy-canary.yaml"), 1);
  EXPECT_EQ(r.phase, Phase::Succeeded) << r.message;
  EXPECT_FALSE(r.fault_onset);
  EXPECT_FALSE(r.time_to_detect);
  EXPECT_FALSE(r.time_to_restore);
  EXPECT_EQ(r.faulty_requests, 0);
  EXPECT_GT(r.canary_requests, 1000);
  ASSERT_FALSE(r.timeline.empty());
  EXPECT_EQ(r.timeline.back().phase, Phase::Succeeded);
}

TEST(SimulationRunTest, AnErrorSpikeIsDetectedAfterItsOnsetAndRestored) {
  const RunReport r = simulate_run(load("error-spike.yaml"), 1);
  EXPECT_EQ(r.phase, Phase::RolledBack) << r.message;
  ASSERT_TRUE(r.fault_onset);
  ASSERT_TRUE(r.time_to_detect);
  ASSERT_TRUE(r.time_to_restore);
  EXPECT_GE(*r.time_to_restore, *r.time_to_detect);
  EXPECT_LT(*r.time_to_detect, 1min);
  EXPECT_GT(r.faulty_requests, 0);
  EXPECT_GT(r.failed_requests, 0);
  EXPECT_LT(r.failed_requests, r.faulty_requests);
  // Restored: the new version serves nothing after the rollback's confirmation.
  EXPECT_LE(r.fault_onset.value() + r.time_to_restore.value(), r.elapsed);
}

TEST(SimulationRunTest, ACrashIsReportedByTheTargetsAndEveryFaultyRequestFails) {
  const RunReport r = simulate_run(load("crash.yaml"), 1);
  EXPECT_EQ(r.phase, Phase::RolledBack) << r.message;
  ASSERT_TRUE(r.time_to_detect);
  EXPECT_LT(*r.time_to_detect, 5s);
  EXPECT_EQ(r.failed_requests, r.faulty_requests);
  bool reported = false;
  for (const Event& e : r.timeline)
    reported = reported || e.reason.find("exited with status 1") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST(SimulationRunTest, TheCapStopsARolloutThatWaitsForAPerson) {
  ScenarioSpec s = load("low-traffic.yaml");
  s.duration = 20min;
  const RunReport r = simulate_run(s, 1);
  EXPECT_EQ(r.phase, Phase::Paused) << r.message;
  EXPECT_EQ(r.elapsed, 20min);
}

TEST(SimulationRunTest, PrometheusAndWebMetricsAreDerivedFromTheModel) {
  ScenarioSpec s = load("error-spike.yaml");
  for (AnalysisTemplate& t : s.rollout.templates) {
    if (t.name != "errors") continue;
    t.compare.reset();  // a Prometheus reading is one value: no samples for Mann-Whitney
    t.metric = PrometheusMetric{"http://127.0.0.1:1",
                                "sum(rate(demo_http_requests_total{code=~\"5..\"}[1m]))", 5s};
  }
  s.rollout.background.reset();  // only the Prometheus-based analysis can catch it
  const RunReport r = simulate_run(s, 3);
  EXPECT_EQ(r.phase, Phase::RolledBack) << r.message;
  bool prometheus_verdict = false;
  for (const Event& e : r.timeline)
    prometheus_verdict = prometheus_verdict || (e.kind == EventKind::AnalysisCompleted &&
                                                e.reason.find("errors") != std::string::npos);
  EXPECT_TRUE(prometheus_verdict);
}

}  // namespace
}  // namespace rollguard::sim
