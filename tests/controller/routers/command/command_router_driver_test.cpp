// ctest: integration
// The command router runs real commands (no shell of ours: `sh` here is the command itself).
#include "controller/routers/command/command_router_driver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "controller/support/proxy_process.hpp"
#include "controller/support/router_harness.hpp"

namespace rollguard {
namespace {

struct VarsCase {
  std::string name;
  RouteTable table;
  StringMap expect;
};

class CommandRouterVars : public ::testing::TestWithParam<VarsCase> {};

TEST_P(CommandRouterVars, SpellPercentagesWithoutTrailingZeros) {
  EXPECT_EQ(command_router_vars(GetParam().table, {{"name", "checkout"}}), GetParam().expect);
}

INSTANTIATE_TEST_SUITE_P(Cases, CommandRouterVars,
                         ::testing::Values(VarsCase{"Whole",
                                                    {{90, 10, 0}, false, {}, {}, {}},
                                                    {{"name", "checkout"},
                                                     {"weight", "10"},
                                                     {"canary", "10"},
                                                     {"stable", "90"},
                                                     {"baseline", "0"},
                                                     {"preview", "false"}}},
                                           VarsCase{"Fractions",
                                                    {{99, 0.5, 0.5}, true, {}, {}, {}},
                                                    {{"name", "checkout"},
                                                     {"weight", "0.5"},
                                                     {"canary", "0.5"},
                                                     {"stable", "99"},
                                                     {"baseline", "0.5"},
                                                     {"preview", "true"}}},
                                           VarsCase{
                                               "Thirds",
                                               {{100.0 / 3 * 2, 100.0 / 3, 0}, false, {}, {}, {}},
                                               {{"name", "checkout"},
                                                {"weight", "33.333"},
                                                {"canary", "33.333"},
                                                {"stable", "66.667"},
                                                {"baseline", "0"},
                                                {"preview", "false"}}}),
                         [](const auto& info) { return info.param.name; });

class CommandRouterTest : public ::testing::Test {
 protected:
  std::string apply(const Argv& argv, const RouteTable& table, Duration timeout = 30s) {
    CommandRouterOptions options;
    options.timeout = timeout;
    options.vars = {{"name", "checkout"}};
    CommandRouterDriver router(CommandRouter{argv}, io_.get_executor(), options);
    return router_test::apply_and_wait(io_, router, table);
  }

  boost::asio::io_context io_;
  router_test::ScratchDir dir_;
};

TEST_F(CommandRouterTest, PassesTheSplitAsSeparateArguments) {
  const std::string file = dir_.file("weights");
  ASSERT_EQ(apply({"sh", "-c", "echo \"$1|$2|$3|$4|$5\" > \"$0\"", file, "{{weight}}", "{{stable}}",
                   "{{baseline}}", "{{preview}}", "{{name}} rollout"},
                  RouteTable{{87.5, 12.5, 0}, true, {}, {}, {}}),
            "");
  EXPECT_EQ(router_test::read_text(file), "12.5|87.5|0|true|checkout rollout\n");
}

struct CommandFailureCase {
  std::string name;
  Argv argv;
  Duration timeout;
  std::string error;
};

class CommandRouterFailure : public CommandRouterTest,
                             public ::testing::WithParamInterface<CommandFailureCase> {};

TEST_P(CommandRouterFailure, SaysHowTheCommandEndedAndWhatItPrinted) {
  EXPECT_EQ(apply(GetParam().argv, RouteTable{{90, 10, 0}, false, {}, {}, {}}, GetParam().timeout),
            GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommandRouterFailure,
    ::testing::Values(
        CommandFailureCase{
            "ExitCode",
            {"sh", "-c", "echo \"pool $0 is locked\" >&2; exit 3", "{{weight}}"},
            30s,
            "command router: `sh -c echo \"pool $0 is locked\" >&2; exit 3 10` exited "
            "with 3: pool 10 is locked"},
        CommandFailureCase{
            "Silent", {"false"}, 30s, "command router: `false` exited with 1 (no output)"},
        CommandFailureCase{"TimesOut",
                           {"sleep", "30"},
                           100ms,
                           "command router: `sleep 30` timed out after 100ms (no output)"},
        CommandFailureCase{"Missing",
                           {"/nonexistent/set-weight", "{{weight}}"},
                           30s,
                           "command router: `/nonexistent/set-weight 10`: cannot run "
                           "\"/nonexistent/set-weight\": no such file or directory"}),
    [](const auto& info) { return info.param.name; });

// Two route tables handed over back to back: the second command starts only after the first
// has finished, so the last table given is the one left in place.
TEST_F(CommandRouterTest, RunsOneApplyAtATime) {
  const std::string file = dir_.file("log");
  CommandRouterDriver router(
      CommandRouter{{"sh", "-c", "echo start $1 >> \"$0\"; sleep 0.05; echo end $1 >> \"$0\"", file,
                     "{{weight}}"}},
      io_.get_executor());
  std::vector<std::string> answers;
  router.apply(RouteTable{{90, 10, 0}, false, {}, {}, {}},
               [&](std::string e) { answers.push_back("first:" + e); });
  router.apply(RouteTable{{80, 20, 0}, false, {}, {}, {}},
               [&](std::string e) { answers.push_back("second:" + e); });
  io_.run();
  EXPECT_EQ(answers, (std::vector<std::string>{"first:", "second:"}));
  EXPECT_EQ(router_test::read_text(file), "start 10\nend 10\nstart 20\nend 20\n");
}

}  // namespace
}  // namespace rollguard
