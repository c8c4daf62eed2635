// The Scenario manifest: its own rules, an inline rollout (reported under spec.rollout), and
// a referenced rollout file (reported under that file's name).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "manifest_test_support.hpp"
#include "manifests/rollout_parser.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard {
namespace {

using testing::apply_edits;
using testing::dump;
using testing::Edit;
using testing::take_marker;

constexpr const char* kScenario = R"(apiVersion: rollguard.dev/v1
kind: Scenario
metadata: {name: bad-canary}
spec:
  rollout:
    apiVersion: rollguard.dev/v1
    kind: Rollout
    metadata: {name: app}
    spec:
      canary: {version: "2"}
      target: {process: {command: ["./app", "--port", "{{port}}"]}}
      strategy: {canary: {steps: [{setWeight: 50}]}}
  traffic:
    - {at: 0s, rps: 500}
    - {at: 10m, rps: 900}
  duration: 2h
  versions:
    stable: {errorRate: 0.001, latency: {p50: 40ms, p99: 180ms}}
    canary:
      errorRate: 0.001
      faults:
        - {at: 2m, errorRate: 0.20}
        - {at: 20m, crash: true}
  metricNoise: 0.05
  runs: 10
  seed: 42
)";

struct ScenarioBadCase {
  const char* name;
  std::vector<Edit> edits;
  std::string path;
  std::string message;
  std::string hint;
};

class ScenarioRejects : public ::testing::TestWithParam<ScenarioBadCase> {};

TEST_P(ScenarioRejects, WithPathPositionAndMessage) {
  const ScenarioBadCase& c = GetParam();
  const auto marked = take_marker(apply_edits(kScenario, c.edits));
  const Parsed<ScenarioSpec> parsed = parse_scenario_text(marked.text, Format::Yaml, "s.yaml");
  ASSERT_EQ(parsed.diagnostics.size(), 1u) << dump(parsed.diagnostics);
  const Diagnostic& d = parsed.diagnostics[0];
  EXPECT_EQ(d.path, c.path) << d.to_string();
  EXPECT_NE(d.message.find(c.message), std::string::npos) << d.to_string();
  EXPECT_EQ(d.hint, c.hint) << d.to_string();
  EXPECT_EQ(d.line, marked.line) << d.to_string();
  EXPECT_EQ(d.column, marked.column) << d.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ScenarioRejects,
    ::testing::Values(
        ScenarioBadCase{"InlineRolloutErrorsArePrefixed",
                        {{"[{setWeight: 50}]", "[{@@setWeigth: 50}]"}},
                        "spec.rollout.spec.strategy.canary.steps[0]",
                        "unknown key \"setWeigth\"",
                        "did you mean \"setWeight\"?"},
        ScenarioBadCase{"ErrorRateAboveOne",
                        {{"{at: 2m, errorRate: 0.20}", "{at: 2m, errorRate: @@20}"}},
                        "spec.versions.canary.faults[0].errorRate",
                        "must be between 0 and 1, got 20",
                        ""},
        ScenarioBadCase{"FaultThatChangesNothing",
                        {{"{at: 20m, crash: true}", "@@{at: 20m}"}},
                        "spec.versions.canary.faults[1]",
                        "a fault changes nothing",
                        ""},
        ScenarioBadCase{"RatesOutOfOrder",
                        {{"{at: 10m, rps: 900}", "{at: @@0s, rps: 900}"}},
                        "spec.traffic[1].at",
                        "must come after the previous entry's at",
                        ""},
        ScenarioBadCase{"FirstRateNotAtZero",
                        {{"{at: 0s, rps: 500}", "{at: @@1m, rps: 500}"}},
                        "spec.traffic[0].at",
                        "the first rate must start at 0s",
                        ""},
        ScenarioBadCase{"TrafficAsANumber",
                        {{"  traffic:\n    - {at: 0s, rps: 500}\n    - {at: 10m, rps: 900}\n",
                          "  traffic: @@500\n"}},
                        "spec.traffic",
                        "expected {rps: N} or a list of {at: DURATION, rps: N}, got the number 500",
                        ""},
        ScenarioBadCase{"NegativeRps",
                        {{"  traffic:\n    - {at: 0s, rps: 500}\n    - {at: 10m, rps: 900}\n",
                          "  traffic: {rps: @@-5}\n"}},
                        "spec.traffic.rps",
                        "must be between 0 and 1e+07, got -5",
                        ""},
        ScenarioBadCase{"P50AboveP99",
                        {{"{p50: 40ms, p99: 180ms}", "@@{p50: 400ms, p99: 180ms}"}},
                        "spec.versions.stable.latency",
                        "p50 400ms is above p99 180ms",
                        "the 50th percentile cannot be slower than the 99th"},
        ScenarioBadCase{"ZeroRuns",
                        {{"runs: 10", "runs: @@0"}},
                        "spec.runs",
                        "must be between 1 and 100000",
                        ""},
        ScenarioBadCase{"NegativeSeed",
                        {{"seed: 42", "seed: @@-1"}},
                        "spec.seed",
                        "expected a whole number",
                        ""},
        ScenarioBadCase{"NoiseAboveOne",
                        {{"metricNoise: 0.05", "metricNoise: @@2"}},
                        "spec.metricNoise",
                        "must be between 0 and 1",
                        ""},
        ScenarioBadCase{"DurationBareNumber",
                        {{"duration: 2h", "duration: @@7200"}},
                        "spec.duration",
                        "expected a duration like \"30s\", got the number 7200",
                        "a bare number has no unit; write \"7200s\" for seconds"},
        ScenarioBadCase{"UnknownVersionsKey",
                        {{"    canary:\n      errorRate", "    @@canry:\n      errorRate"}},
                        "spec.versions",
                        "unknown key \"canry\"",
                        "did you mean \"canary\"?"},
        ScenarioBadCase{
            "RolloutNeitherPathNorMap",
            {{"  rollout:\n    apiVersion: rollguard.dev/v1\n    kind: Rollout\n    metadata: "
              "{name: app}\n"
              "    spec:\n      canary: {version: \"2\"}\n      target: {process: {command: "
              "[\"./app\", "
              "\"--port\", \"{{port}}\"]}}\n      strategy: {canary: {steps: [{setWeight: 50}]}}\n",
              "  rollout: @@[a.yaml]\n"}},
            "spec.rollout",
            "expected a path to a Rollout file or an inline Rollout",
            ""},
        ScenarioBadCase{"InlineRolloutWithWrongKind",
                        {{"    kind: Rollout", "    kind: @@Scenario"}},
                        "spec.rollout.kind",
                        "expected kind \"Rollout\", got \"Scenario\"",
                        ""}),
    [](const auto& info) { return info.param.name; });

TEST(Scenario, ReadsTheInlineRolloutAndEveryField) {
  const Parsed<ScenarioSpec> parsed = parse_scenario_text(kScenario, Format::Yaml, "s.yaml");
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  const ScenarioSpec& s = *parsed.value;
  EXPECT_EQ(s.rollout.metadata.name, "app");
  EXPECT_TRUE(s.rolloutPath.empty());
  ASSERT_EQ(s.traffic.size(), 2u);
  EXPECT_EQ(s.traffic[1].at, Duration{10min});
  EXPECT_EQ(s.traffic[1].rps, 900);
  EXPECT_EQ(s.duration, Duration{2h});
  EXPECT_EQ(s.canary.latency, LatencyModel{});  // not written: the defaults
  ASSERT_EQ(s.canary.faults.size(), 2u);
  EXPECT_EQ(s.canary.faults[0].errorRate, 0.2);
  EXPECT_FALSE(s.canary.faults[0].latencyFactor.has_value());
  EXPECT_TRUE(s.canary.faults[1].crash);
  EXPECT_EQ(s.runs, 10);
  EXPECT_EQ(s.seed, 42u);
}

TEST(Scenario, ConstantTrafficIsOneRateAtZero) {
  const std::string text =
      apply_edits(kScenario, {{"  traffic:\n    - {at: 0s, rps: 500}\n    - {at: 10m, rps: 900}\n",
                               "  traffic: {rps: 250}\n"}});
  const Parsed<ScenarioSpec> parsed = parse_scenario_text(text, Format::Yaml, "s.yaml");
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  EXPECT_EQ(parsed.value->traffic, (std::vector<RateChange>{{0s, 250}}));
}

TEST(Scenario, ARolloutIsNotAScenario) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text(kScenario, Format::Yaml, "s.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.diagnostics[0].to_string(),
            "s.yaml:2:7: kind: expected kind \"Rollout\", got \"Scenario\"");
}

// Files on disk for the by-path cases; removed with the directory.
class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rollguard-scenario-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::filesystem::create_directories(dir_ / "scenarios");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string scenario_referencing(const std::string& path) {
    return apply_edits(
        kScenario,
        {{"  rollout:\n    apiVersion: rollguard.dev/v1\n    kind: Rollout\n    metadata: {name: "
          "app}\n    spec:\n      canary: {version: \"2\"}\n      target: {process: {command: "
          "[\"./app\", \"--port\", \"{{port}}\"]}}\n      strategy: {canary: {steps: [{setWeight: "
          "50}]}}\n",
          "  rollout: " + path + "\n"}});
  }
  std::filesystem::path dir_;
};

constexpr const char* kRolloutFile = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: from-file}
spec:
  canary: {version: "2"}
  target: {process: {command: ["./app", "--port", "{{port}}"]}}
  strategy:
    canary:
      steps:
        - setWeight: 50
)";

TEST_F(ScenarioFiles, ReadsARolloutRelativeToTheScenario) {
  write("rollout.yaml", kRolloutFile);
  write("scenarios/s.yaml", scenario_referencing("../rollout.yaml"));
  const Parsed<ScenarioSpec> parsed = load_scenario_file((dir_ / "scenarios/s.yaml").string());
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  EXPECT_EQ(parsed.value->rolloutPath, "../rollout.yaml");
  EXPECT_EQ(parsed.value->rollout.metadata.name, "from-file");
}

TEST_F(ScenarioFiles, ErrorsInTheRolloutFileCarryItsName) {
  write("rollout.yaml", apply_edits(kRolloutFile, {{"- setWeight: 50", "- setWeight: 500"}}));
  write("scenarios/s.yaml", scenario_referencing("../rollout.yaml"));
  const Parsed<ScenarioSpec> parsed = load_scenario_file((dir_ / "scenarios/s.yaml").string());
  ASSERT_EQ(parsed.diagnostics.size(), 1u) << dump(parsed.diagnostics);
  EXPECT_EQ(parsed.diagnostics[0].to_string(),
            (dir_ / "rollout.yaml").string() +
                ":10:22: spec.strategy.canary.steps[0].setWeight: must be between 0 and 100, got "
                "500");
}

TEST_F(ScenarioFiles, AMissingRolloutFileIsReportedAtTheReference) {
  write("scenarios/s.yaml", scenario_referencing("../missing.yaml"));
  const Parsed<ScenarioSpec> parsed = load_scenario_file((dir_ / "scenarios/s.yaml").string());
  ASSERT_EQ(parsed.diagnostics.size(), 1u) << dump(parsed.diagnostics);
  const Diagnostic& d = parsed.diagnostics[0];
  EXPECT_EQ(d.path, "spec.rollout");
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.column, 12);
  EXPECT_NE(d.message.find("cannot read the rollout \"../missing.yaml\" (looked for " +
                           (dir_ / "missing.yaml").string() + "): No such file or directory"),
            std::string::npos)
      << d.to_string();
}

}  // namespace
}  // namespace rollguard
