// ctest: integration
// `rollguard validate` as a user runs it: the real binary, real files, exit codes and output.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/shell_command.hpp"

namespace rollguard {
namespace {

constexpr const char* kGood = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata:
  name: checkout
spec:
  canary: {version: "1.5.0"}
  target:
    process:
      command: ["./app", "--port", "{{port}}"]
  strategy:
    canary:
      steps:
      - setWeight: 5
      - pause: {duration: 30s}
      - setWeight: 100
)";

// kGood with a typo in the third step and a bare-number duration in the second.
constexpr const char* kBroken = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata:
  name: checkout
spec:
  canary: {version: "1.5.0"}
  target:
    process:
      command: ["./app", "--port", "{{port}}"]
  strategy:
    canary:
      steps:
      - setWeight: 5
      - pause: {duration: 30}
      - setWeigth: 100
)";

constexpr const char* kScenario = R"(apiVersion: rollguard.dev/v1
kind: Scenario
metadata: {name: sim}
spec:
  rollout: good.yaml
  traffic: {rps: 100}
)";

using testing::CommandRun;

class ValidateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rollguard-validate-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("good.yaml", kGood);
    write("broken.yaml", kBroken);
    write("sim.yaml", kScenario);
    std::string stable = kGood;
    stable.insert(stable.find("  canary:"), "  stable: {version: \"1.4.0\"}\n");
    write("stable.yaml", stable);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  // Runs the binary in the temporary directory, so that files are named as a user types them.
  CommandRun run(const std::string& args) {
    return testing::run_shell("cd '" + dir_.string() + "' && '" + ROLLGUARD_BINARY + "' validate " +
                              args + " 2>&1");
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  std::filesystem::path dir_;
};

struct TextCase {
  const char* name;
  const char* args;
  int exit_code;
  std::vector<std::string> lines;  // the whole output, line by line
};

class ValidateText : public ValidateCommand, public ::testing::WithParamInterface<TextCase> {};

TEST_P(ValidateText, ExitCodeAndOutput) {
  const CommandRun result = run(GetParam().args);
  EXPECT_EQ(result.exit_code, GetParam().exit_code) << result.output;
  EXPECT_EQ(lines(result.output), GetParam().lines) << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Files, ValidateText,
    ::testing::Values(
        // Valid, but without a stable version: what `run` will refuse it with is said now
        // (issue 21: validate passed it silently and run then refused it).
        TextCase{"Valid",
                 "good.yaml",
                 0,
                 {"good.yaml: valid (Rollout \"checkout\", canary strategy, 3 steps)",
                  "good.yaml: warning: spec.stable.version is required for `rollguard run` (it "
                  "keeps no store to remember the known-good version; use `serve` for that); "
                  "`apply` is refused too until the server knows a known-good version of "
                  "\"checkout\""}},
        TextCase{"ValidWithAStableVersion",
                 "stable.yaml",
                 0,
                 {"stable.yaml: valid (Rollout \"checkout\", canary strategy, 3 steps)"}},
        TextCase{"Broken",
                 "broken.yaml",
                 2,
                 {"broken.yaml:14:27: spec.strategy.canary.steps[1].pause.duration: expected a "
                  "duration like \"30s\", got the number 30 (a bare number has no unit; write "
                  "\"30s\" for seconds)",
                  "broken.yaml:15:9: spec.strategy.canary.steps[2]: unknown key \"setWeigth\" "
                  "(did you mean \"setWeight\"?)",
                  "broken.yaml: invalid (2 problems)"}},
        TextCase{"OneBrokenFileFailsTheRun",
                 "good.yaml broken.yaml sim.yaml",
                 2,
                 {"good.yaml: valid (Rollout \"checkout\", canary strategy, 3 steps)",
                  "good.yaml: warning: spec.stable.version is required for `rollguard run` (it "
                  "keeps no store to remember the known-good version; use `serve` for that); "
                  "`apply` is refused too until the server knows a known-good version of "
                  "\"checkout\"",
                  "broken.yaml:14:27: spec.strategy.canary.steps[1].pause.duration: expected a "
                  "duration like \"30s\", got the number 30 (a bare number has no unit; write "
                  "\"30s\" for seconds)",
                  "broken.yaml:15:9: spec.strategy.canary.steps[2]: unknown key \"setWeigth\" "
                  "(did you mean \"setWeight\"?)",
                  "broken.yaml: invalid (2 problems)",
                  "sim.yaml: valid (Scenario \"sim\", rollout \"checkout\", 1 run)",
                  "sim.yaml: warning: the rollout must name spec.stable.version for `rollguard "
                  "simulate` (the version the simulated rollout starts from)"}},
        TextCase{"MissingFile",
                 "nothere.yaml",
                 2,
                 {"nothere.yaml: cannot read the file: No such file or directory",
                  "nothere.yaml: invalid (1 problem)"}}),
    [](const auto& info) { return info.param.name; });

TEST_F(ValidateCommand, NoFilesIsAUsageError) {
  const CommandRun result = run("");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("files is required"), std::string::npos) << result.output;
}

TEST_F(ValidateCommand, UnknownOutputFormatIsAUsageError) {
  const CommandRun result = run("-o xml good.yaml");
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

TEST_F(ValidateCommand, JsonOutputIsOneObjectPerFile) {
  const CommandRun result = run("-o json good.yaml broken.yaml");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  const std::vector<std::string> out = lines(result.output);
  ASSERT_EQ(out.size(), 2u) << result.output;
  const auto good = nlohmann::json::parse(out[0]);
  EXPECT_EQ(good["file"], "good.yaml");
  EXPECT_EQ(good["kind"], "Rollout");
  EXPECT_EQ(good["valid"], true);
  EXPECT_TRUE(good["diagnostics"].empty());
  ASSERT_EQ(good["warnings"].size(), 1u);
  EXPECT_EQ(good["warnings"][0].get<std::string>().rfind("spec.stable.version is required", 0), 0u);
  EXPECT_FALSE(good.contains("explained"));
  const auto broken = nlohmann::json::parse(out[1]);
  EXPECT_EQ(broken["valid"], false);
  ASSERT_EQ(broken["diagnostics"].size(), 2u);
  EXPECT_EQ(broken["diagnostics"][1], (nlohmann::json{{"file", "broken.yaml"},
                                                      {"line", 15},
                                                      {"column", 9},
                                                      {"path", "spec.strategy.canary.steps[2]"},
                                                      {"message", "unknown key \"setWeigth\""},
                                                      {"hint", "did you mean \"setWeight\"?"}}));
}

TEST_F(ValidateCommand, ExplainPrintsDefaultsThatValidateAgain) {
  const CommandRun explained = run("--explain good.yaml sim.yaml");
  ASSERT_EQ(explained.exit_code, 0) << explained.output;
  EXPECT_NE(explained.output.find("progressDeadline: 10m"), std::string::npos) << explained.output;
  EXPECT_NE(explained.output.find("listen: 127.0.0.1:8080"), std::string::npos) << explained.output;
  // The output is a YAML stream of two documents; each is a manifest that validates.
  const std::size_t separator = explained.output.find("\n---\n");
  ASSERT_NE(separator, std::string::npos) << explained.output;
  write("explained-rollout.yaml", explained.output.substr(0, separator + 1));
  write("explained-scenario.yaml", explained.output.substr(separator + 5));
  const CommandRun again = run("explained-rollout.yaml explained-scenario.yaml");
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

TEST_F(ValidateCommand, ExplainAsJson) {
  const CommandRun result = run("--explain -o json good.yaml");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto out = nlohmann::json::parse(result.output);
  EXPECT_EQ(out["explained"]["spec"]["rollback"]["onFailure"], "rollback");
  EXPECT_EQ(out["explained"]["spec"]["target"]["process"]["portRange"],
            nlohmann::json({20000, 20999}));
}

}  // namespace
}  // namespace rollguard
