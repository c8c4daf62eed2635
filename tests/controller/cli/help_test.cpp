// ctest: integration
// `rollguard CMD --help` as a new user reads it (issue 21): every command shows examples and
// the exit codes it can give, from the one table in controller/cli/exit_codes.hpp; `run
// --wait` says what it does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "support/shell_command.hpp"

namespace rollguard {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct HelpCase {
  const char* command;
  std::vector<int> codes;  // the exit codes its help lists
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const HelpCase& c, std::ostream* os) {
  *os << c.command;
}

class Help : public ::testing::TestWithParam<HelpCase> {};

TEST_P(Help, ShowsExamplesAndExitCodes) {
  const HelpCase& c = GetParam();
  const testing::CommandRun run =
      testing::run_shell(std::string("'") + ROLLGUARD_BINARY + "' " + c.command + " --help 2>&1");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("\nExamples:\n  rollguard " + std::string(c.command) + " "));
  EXPECT_THAT(run.output, HasSubstr("\nExit codes:\n"));
  for (int code = 0; code <= 4; ++code) {
    const std::string line = "\n  " + std::to_string(code) + "  ";
    const bool listed = std::find(c.codes.begin(), c.codes.end(), code) != c.codes.end();
    if (listed)
      EXPECT_THAT(run.output, HasSubstr(line)) << code;
    else
      EXPECT_THAT(run.output, Not(HasSubstr(line))) << code;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Commands, Help,
    ::testing::Values(HelpCase{"validate", {0, 2}}, HelpCase{"plan", {0, 1, 2, 3}},
                      HelpCase{"run", {0, 1, 2, 3, 4}}, HelpCase{"simulate", {0, 1, 2, 3, 4}},
                      HelpCase{"serve", {0, 2, 4}}, HelpCase{"apply", {0, 1, 2, 3, 4}},
                      HelpCase{"get", {0, 2, 4}}, HelpCase{"status", {0, 1, 2, 3, 4}},
                      HelpCase{"history", {0, 2, 4}}, HelpCase{"promote", {0, 2, 4}},
                      HelpCase{"abort", {0, 2, 4}}, HelpCase{"pause", {0, 2, 4}},
                      HelpCase{"resume", {0, 2, 4}}, HelpCase{"retry", {0, 2, 4}},
                      HelpCase{"undo", {0, 2, 4}}, HelpCase{"delete", {0, 2, 4}},
                      HelpCase{"schema", {0, 2}}, HelpCase{"router", {0, 2, 4}}),
    [](const auto& info) { return std::string(info.param.command); });

TEST(HelpText, RunWaitSaysItIsWhatRunAlwaysDoes) {
  const testing::CommandRun run =
      testing::run_shell(std::string("'") + ROLLGUARD_BINARY + "' run --help 2>&1");
  EXPECT_THAT(run.output, HasSubstr("--wait"));
  EXPECT_THAT(run.output, HasSubstr("run always waits"));
}

TEST(HelpText, TopLevelListsTheExitCodes) {
  const testing::CommandRun run =
      testing::run_shell(std::string("'") + ROLLGUARD_BINARY + "' --help 2>&1");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("\nExit codes:\n  0  "));
  EXPECT_THAT(run.output, HasSubstr("\n  4  "));
}

}  // namespace
}  // namespace rollguard
