// ctest: integration
// `rollguard simulate` as a user runs it: the real binary on the example scenarios, its exit
// codes (like `run` for one run, 0 for a Monte Carlo, 2 for an invalid scenario) and the JSON
// summary on the last line.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/shell_command.hpp"

namespace rollguard {
namespace {

using testing::CommandRun;

CommandRun simulate(const std::string& args) {
  return testing::run_shell(std::string("cd '") + ROLLGUARD_SOURCE_DIR +
                            "/examples/scenarios' && '" + ROLLGUARD_BINARY + "' simulate " + args +
                            " 2>&1");
}

nlohmann::json last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return nlohmann::json::parse(last, nullptr, false);
}

struct OneRunCase {
  std::string name;
  std::string args;
  int exit_code;
  std::string phase;
  bool detected;
  std::string outcome;
};

class SimulateOneRun : public ::testing::TestWithParam<OneRunCase> {};

TEST_P(SimulateOneRun, ExitsLikeRunWithTheSummaryLast) {
  const OneRunCase& c = GetParam();
  const CommandRun r = simulate(c.args + " -o json");
  EXPECT_EQ(r.exit_code, c.exit_code) << r.output;
  const nlohmann::json summary = last_line(r.output);
  ASSERT_TRUE(summary.is_object()) << r.output;
  EXPECT_EQ(summary["phase"], c.phase);
  for (const char* key :
       {"outcome", "faultOnsetSeconds", "faultReason", "stoppedAtSeconds", "inconclusivePauses",
        "timeToDetectSeconds", "timeToRestoreSeconds", "faultyRequests", "failedRequests",
        "excessFailedRequests", "canaryRequests"})
    EXPECT_TRUE(summary.contains(key)) << key;
  EXPECT_EQ(summary["outcome"], c.outcome) << summary.dump();
  EXPECT_EQ(summary["timeToDetectSeconds"].is_number(), c.detected) << summary.dump();
  EXPECT_EQ(summary["timeToRestoreSeconds"].is_number(), c.detected) << summary.dump();
  // Before the summary, one JSON object per event.
  std::istringstream in(r.output);
  std::string first;
  std::getline(in, first);
  EXPECT_TRUE(nlohmann::json::parse(first, nullptr, false).contains("event")) << first;
}

INSTANTIATE_TEST_SUITE_P(
    Cli, SimulateOneRun,
    ::testing::Values(
        OneRunCase{"healthy", "healthy-canary.yaml --seed 3", 0, "Succeeded", false, "passed"},
        OneRunCase{"error_spike", "error-spike.yaml --runs 1", 1, "RolledBack", true, "detected"},
        OneRunCase{"bad_from_start", "bad-from-start.yaml", 1, "RolledBack", true, "detected"},
        OneRunCase{"low_traffic", "low-traffic.yaml --runs 1", 3, "Paused", false, "inconclusive"}),
    [](const auto& info) { return info.param.name; });

TEST(SimulateCommand, MonteCarloSummaryAndExitZero) {
  const CommandRun r = simulate("error-spike.yaml --runs 6 --seed 10 --threads 2 -o json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json summary = last_line(r.output);
  ASSERT_TRUE(summary.is_object()) << r.output;
  EXPECT_EQ(summary["runs"], 6);
  EXPECT_TRUE(summary["phases"].is_object());
  EXPECT_TRUE(summary["rolledBackRate"].is_number());
  for (const char* key :
       {"detectionRate", "falseRollbackRate", "inconclusiveRate", "missedRate", "worseRuns"})
    EXPECT_TRUE(summary[key].is_number()) << key;
  for (const char* key : {"detected", "falseRollback", "inconclusive", "missed", "passed"})
    EXPECT_TRUE(summary["outcomes"][key].is_number()) << key;
  for (const char* key : {"timeToDetectSeconds", "timeToRestoreSeconds", "faultyRequests",
                          "failedRequests", "excessFailedRequests"}) {
    EXPECT_TRUE(summary[key].contains("p50")) << key;
    EXPECT_TRUE(summary[key].contains("p95")) << key;
  }
  // The same seeds on one thread: the same summary.
  const CommandRun again = simulate("error-spike.yaml --runs 6 --seed 10 --threads 1 -o json");
  EXPECT_EQ(last_line(again.output), summary);
}

TEST(SimulateCommand, TextNamesTheFigures) {
  const CommandRun r = simulate("crash.yaml --runs 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const char* words : {"timeline", "outcome           detected", "faulty from",
                            "time to detect", "time to restore", "faulty requests"})
    EXPECT_NE(r.output.find(words), std::string::npos) << words << "\n" << r.output;
}

TEST(SimulateCommand, AnInvalidScenarioExitsTwo) {
  const CommandRun r = simulate("../canary-baseline.yaml");  // a Rollout, not a Scenario
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(simulate("no-such-file.yaml").exit_code, 2);
}

}  // namespace
}  // namespace rollguard
