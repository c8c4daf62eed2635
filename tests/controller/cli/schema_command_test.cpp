// ctest: integration
// `rollguard schema [rollout|scenario|release]` and the hidden `help-export`: what they print
// and how they exit (the schemas themselves: tests/manifests/shape_test.cpp and
// tests/packaging/schema_check.py).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "support/shell_command.hpp"

namespace rollguard {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

testing::CommandRun rollguard_run(const std::string& args) {
  return testing::run_shell(std::string("'") + ROLLGUARD_BINARY + "' " + args);
}

TEST(SchemaCommand, PrintsTheRolloutSchemaByDefault) {
  const testing::CommandRun run = rollguard_run("schema 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto schema = nlohmann::json::parse(run.output);
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(schema["allOf"][0]["$ref"], "#/definitions/Rollout");
  EXPECT_TRUE(schema["definitions"].contains("CanaryStep"));
}

TEST(SchemaCommand, PrintsTheScenarioSchema) {
  const testing::CommandRun run = rollguard_run("schema scenario 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto schema = nlohmann::json::parse(run.output);
  EXPECT_EQ(schema["allOf"][0]["$ref"], "#/definitions/Scenario");
  // A scenario may hold a Rollout inline.
  EXPECT_TRUE(schema["definitions"].contains("Rollout"));
}

TEST(SchemaCommand, ReleaseIsNotBuiltYet) {
  const testing::CommandRun run = rollguard_run("schema release 2>&1");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.output, HasSubstr("releases are not built yet"));
}

TEST(SchemaCommand, AnUnknownKindIsAUsageError) {
  const testing::CommandRun run = rollguard_run("schema rolout 2>&1");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.output, HasSubstr("rollout"));
}

TEST(HelpExport, IsHiddenAndWritesCompletionsToStdout) {
  EXPECT_THAT(rollguard_run("--help 2>&1").output, Not(HasSubstr("help-export")));
  const testing::CommandRun bash = rollguard_run("help-export bash 2>&1");
  EXPECT_EQ(bash.exit_code, 0);
  EXPECT_THAT(bash.output, HasSubstr("complete -o filenames -F _rollguard rollguard"));
  EXPECT_THAT(bash.output, HasSubstr("    schema)\n"));
  const testing::CommandRun zsh = rollguard_run("help-export zsh 2>&1");
  EXPECT_THAT(zsh.output, HasSubstr("#compdef rollguard"));
  // Man pages are one file per command: they need --out.
  EXPECT_EQ(rollguard_run("help-export man 2>&1").exit_code, 2);
}

}  // namespace
}  // namespace rollguard
