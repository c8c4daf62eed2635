// Every example scenario reaches the phase it is meant to show in most of its runs: a
// healthy canary is promoted, broken ones are rolled back, too little traffic pauses.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "controller/simulation/monte_carlo.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard::sim {
namespace {

struct ScenarioCase {
  std::string name;
  std::string file;
  Phase expected;
  double at_least;  // share of runs that must reach it
};

const std::vector<ScenarioCase>& cases() {
  static const std::vector<ScenarioCase> all{
      {"healthy_canary", "healthy-canary.yaml", Phase::Succeeded, 0.9},
      {"error_spike", "error-spike.yaml", Phase::RolledBack, 0.9},
      {"latency_regression", "latency-regression.yaml", Phase::RolledBack, 0.8},
      {"crash", "crash.yaml", Phase::RolledBack, 0.9},
      {"late_fault", "late-fault.yaml", Phase::RolledBack, 0.8},
      {"noisy_baseline", "noisy-baseline.yaml", Phase::Succeeded, 0.8},
      {"low_traffic", "low-traffic.yaml", Phase::Paused, 0.8},
      {"bad_canary", "bad-canary.yaml", Phase::RolledBack, 0.9},
      {"bad_from_start", "bad-from-start.yaml", Phase::RolledBack, 0.9},
  };
  return all;
}

std::string dir() {
  return std::string(ROLLGUARD_SOURCE_DIR) + "/examples/scenarios/";
}

class ExampleScenarioTest : public ::testing::TestWithParam<ScenarioCase> {};

TEST_P(ExampleScenarioTest, ReachesItsPhaseInMostRuns) {
  const ScenarioCase& c = GetParam();
  auto parsed = load_scenario_file(dir() + c.file);
  ASSERT_TRUE(parsed.ok()) << c.file;
  constexpr int kRuns = 20;
  const MonteCarloReport r = simulate_many(*parsed.value, 1, kRuns, 2);
  std::string tally;
  for (const auto& [phase, count] : r.phases)
    tally += std::string(to_string(phase)) + "=" + std::to_string(count) + " ";
  const auto it = r.phases.find(c.expected);
  const int reached = it == r.phases.end() ? 0 : it->second;
  EXPECT_GE(reached, c.at_least * kRuns) << c.file << ": " << tally;
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleScenarioTest, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ExampleScenarioListTest, EveryScenarioFileIsChecked) {
  std::map<std::string, bool> checked;
  for (const ScenarioCase& c : cases()) checked[c.file] = true;
  for (const auto& entry : std::filesystem::directory_iterator(dir()))
    EXPECT_TRUE(checked.contains(entry.path().filename().string()))
        << entry.path() << " has no expected phase in this test";
}

}  // namespace
}  // namespace rollguard::sim
