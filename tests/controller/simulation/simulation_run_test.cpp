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
                                           DeterminismCase{"crash", "crash.yaml"},
                                           DeterminismCase{"bad_from_start",
                                                           "bad-from-start.yaml"}),
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
  EXPECT_EQ(r.outcome, RunOutcome::Passed);
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
  EXPECT_EQ(r.outcome, RunOutcome::Detected);
  ASSERT_TRUE(r.fault_onset);
  EXPECT_EQ(r.fault_reason, "error rate 0.1 vs stable's 0.001");
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
  EXPECT_EQ(r.outcome, RunOutcome::Detected);
  EXPECT_EQ(r.fault_reason, "crashed");
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
  EXPECT_EQ(r.outcome, RunOutcome::Inconclusive);
  EXPECT_GE(r.inconclusive_pauses, 1);
  EXPECT_FALSE(r.time_to_detect);
}

// Issue #14.3: no `faults:`, but the canary fails one request in five against stable's 0.1%
// from its first request. It is faulty from then on: its rollbacks are detections, its failed
// requests count, and time to detect runs from its first request.
TEST(DetectionAccountingTest, ACanaryBadFromItsFirstRequestIsDetectedNotAFalseAlarm) {
  const ScenarioSpec s = load("bad-from-start.yaml");
  ASSERT_TRUE(s.canary.faults.empty());
  const RunReport r = simulate_run(s, 1);
  EXPECT_EQ(r.phase, Phase::RolledBack) << r.message;
  EXPECT_EQ(r.outcome, RunOutcome::Detected);
  ASSERT_TRUE(r.fault_onset);
  EXPECT_EQ(*r.fault_onset, 1s);  // its instances are ready, and serve, 1 s in
  EXPECT_EQ(r.fault_reason, "error rate 0.2 vs stable's 0.001");
  ASSERT_TRUE(r.time_to_detect);
  EXPECT_EQ(*r.stopped_at, *r.fault_onset + *r.time_to_detect);
  EXPECT_EQ(r.faulty_requests, r.canary_requests);
  EXPECT_GT(r.failed_requests, 0);
  // Stable would have failed 0.1% of the same requests.
  EXPECT_NEAR(r.excess_failed_requests,
              double(r.failed_requests) - 0.001 * double(r.faulty_requests), 1e-6);

  const MonteCarloReport many = simulate_many(s, 1, 20, 2);
  const nlohmann::json summary = summary_json("bad-from-start", many);
  EXPECT_EQ(summary["falseRollbackRate"], 0.0) << summary.dump();
  EXPECT_GE(summary["detectionRate"].get<double>(), 0.9) << summary.dump();
  EXPECT_GT(summary["failedRequests"]["p50"].get<double>(), 0) << summary.dump();
  EXPECT_GT(summary["excessFailedRequests"]["p50"].get<double>(), 0) << summary.dump();
  EXPECT_TRUE(summary["timeToDetectSeconds"]["p50"].is_number()) << summary.dump();
  EXPECT_EQ(summary["worseRuns"], 20);
}

// A fault that sets what the profile already has changes nothing: the canary is never worse
// than stable. Its rollbacks are false rollbacks, its pauses for too few samples are
// inconclusive, and nothing is a detection (issue #21.6: 100% "detected" before).
ScenarioSpec with_a_fault_that_changes_nothing(ScenarioSpec s) {
  s.canary.faults = {Fault{0s, s.canary.errorRate, 1.0, false}};
  return s;
}

TEST(DetectionAccountingTest, AFaultThatChangesNothingIsNeverDetected) {
  const MonteCarloReport noisy =
      simulate_many(with_a_fault_that_changes_nothing(load("noisy-baseline.yaml")), 1, 60, 2);
  const int rolled_back =
      noisy.phases.contains(Phase::RolledBack) ? noisy.phases.at(Phase::RolledBack) : 0;
  ASSERT_GT(rolled_back, 0) << "these seeds must hold a false alarm for the test to mean much";
  EXPECT_EQ(noisy.outcomes.count(RunOutcome::Detected), 0);
  EXPECT_EQ(noisy.outcomes.count(RunOutcome::FalseRollback), rolled_back);
  EXPECT_EQ(noisy.worse_runs, 0);
  EXPECT_EQ(noisy.time_to_detect.defined, 0);
  EXPECT_EQ(noisy.faulty_requests.p95, 0.0);

  const MonteCarloReport quiet =
      simulate_many(with_a_fault_that_changes_nothing(load("low-traffic.yaml")), 1, 20, 2);
  const int paused = quiet.phases.contains(Phase::Paused) ? quiet.phases.at(Phase::Paused) : 0;
  ASSERT_GT(paused, 0);
  EXPECT_EQ(quiet.outcomes.count(RunOutcome::Detected), 0);
  EXPECT_EQ(quiet.outcomes.count(RunOutcome::FalseRollback), 0);
  EXPECT_EQ(quiet.outcomes.count(RunOutcome::Inconclusive), paused);
  const nlohmann::json summary = summary_json("quiet", quiet);
  EXPECT_EQ(summary["detectionRate"], 0.0);
  EXPECT_EQ(summary["falseRollbackRate"], 0.0);
  EXPECT_DOUBLE_EQ(summary["inconclusiveRate"].get<double>(), paused / 20.0);
}

// A real fault under `faults:` is still detected, and its detections timed, as before.
TEST(DetectionAccountingTest, AGenuineFaultIsStillDetected) {
  const MonteCarloReport r = simulate_many(load("error-spike.yaml"), 1, 20, 2);
  EXPECT_GE(r.outcomes.count(RunOutcome::Detected), 18);
  EXPECT_EQ(r.outcomes.count(RunOutcome::FalseRollback) + r.outcomes.count(RunOutcome::Detected),
            r.phases.at(Phase::RolledBack));
  EXPECT_EQ(r.time_to_detect.defined, r.outcomes.count(RunOutcome::Detected));
  EXPECT_EQ(r.worse_runs, 20);
  ASSERT_TRUE(r.failed_requests.p50);
  EXPECT_GT(*r.failed_requests.p50, 0);
  ASSERT_TRUE(r.excess_failed_requests.p50);
  EXPECT_LT(*r.excess_failed_requests.p50, *r.failed_requests.p50);
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
