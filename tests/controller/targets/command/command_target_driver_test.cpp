// ctest: integration
// The command target with real commands (true, false, sh, sleep, touch): argv arrays, no
// shell in between; sh is just a program here.
#include "controller/targets/command/command_target_driver.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/controller/targets/target_test_support.hpp"

namespace rollguard::testing {
namespace {

namespace fs = std::filesystem;

const Endpoints kCanary{"10.0.0.9:8080"};

CommandTarget target(Argv deploy, Argv ready = {}, Argv teardown = {}) {
  CommandTarget t;
  t.deploy = std::move(deploy);
  t.ready = std::move(ready);
  t.teardown = std::move(teardown);
  t.timeout = 20s;
  t.stable = {"10.0.0.5:8080"};
  t.canary = kCanary;
  return t;
}

struct CommandCase {
  const char* name;
  CommandTarget spec;
  std::string failure;  // empty: the canary becomes ready
};

class CommandTargetDeploy : public ::testing::TestWithParam<CommandCase> {};

TEST_P(CommandTargetDeploy, ReportsReadyOrWhyNot) {
  DriverLoop loop;
  CommandTargetDriver driver(GetParam().spec, "shop", loop.io.get_executor());
  loop.watch(driver);
  driver.scale(Role::Canary, "2.0.0", 2);
  const TargetReport* report = loop.wait_for(
      Role::Canary, [](const TargetReport& r) { return r.ready > 0 || !r.failure.empty(); });
  ASSERT_TRUE(report);
  if (GetParam().failure.empty()) {
    EXPECT_EQ(report->failure, "");
    EXPECT_EQ(report->ready, 2);
    EXPECT_EQ(report->endpoints, kCanary);
  } else {
    EXPECT_EQ(report->failure, GetParam().failure);
    EXPECT_EQ(report->ready, 0);
    EXPECT_TRUE(report->endpoints.empty());
  }
  EXPECT_TRUE(loop.shut_down(driver));
}

CommandTarget with_timeout(CommandTarget t, Duration timeout) {
  t.timeout = timeout;
  return t;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommandTargetDeploy,
    ::testing::Values(
        CommandCase{"DeployOnly", target({"/bin/true"}), ""},
        CommandCase{"DeployThenReady", target({"true"}, {"/bin/true"}), ""},
        CommandCase{"DeployFails",
                    target({"/bin/sh", "-c", "echo progress; echo boom >&2; exit 3"}),
                    "deploy for canary 2.0.0 failed (exit 3): progress boom"},
        CommandCase{"DeployFailsSilently", target({"/bin/false"}),
                    "deploy for canary 2.0.0 failed (exit 1)"},
        CommandCase{"ReadyFails", target({"/bin/true"}, {"/bin/sh", "-c", "echo not yet; exit 1"}),
                    "ready for canary 2.0.0 failed (exit 1): not yet"},
        CommandCase{"DeployTimesOut", with_timeout(target({"sleep", "60"}), 200ms),
                    "deploy for canary 2.0.0 timed out after 200ms"},
        CommandCase{"DeployCannotStart", target({"rollguard-no-such-cli"}),
                    "deploy for canary 2.0.0 could not start: cannot run "
                    "\"rollguard-no-such-cli\": no such file or directory"},
        CommandCase{"TemplatesAreFilledIn",
                    target({"/bin/sh", "-c", "echo $0 $1 $2 $ROLLGUARD_ROLE; exit 9", "{{name}}",
                            "{{version}}", "{{role}}"}),
                    "deploy for canary 2.0.0 failed (exit 9): shop 2.0.0 canary canary"}),
    [](const auto& info) { return std::string(info.param.name); });

// What ran, in order: each command appends a line to a log file.
class CommandTargetSequence : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = fs::temp_directory_path() / ("rollguard-command-" + std::to_string(::getpid()));
    fs::remove(log_);
  }
  void TearDown() override { fs::remove(log_); }

  Argv logging(const std::string& what) {
    return {"/bin/sh", "-c", "echo \"$1 {{role}} {{version}}\" >> \"$0\"", log_.string(), what};
  }

  std::vector<std::string> lines() const {
    std::ifstream in(log_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  fs::path log_;
};

TEST_F(CommandTargetSequence, DeploysReadiesAndTearsDown) {
  DriverLoop loop;
  CommandTargetDriver driver(target(logging("deploy"), logging("ready"), logging("teardown")),
                             "shop", loop.io.get_executor());
  loop.watch(driver);
  driver.scale(Role::Canary, "2.0.0", 1);
  ASSERT_TRUE(loop.wait_for(Role::Canary, [](auto& r) { return r.ready == 1; }));
  driver.scale(Role::Canary, "2.0.0", 1);  // the same request: nothing runs
  driver.scale(Role::Canary, "2.0.0", 0);
  ASSERT_TRUE(loop.run_until([&] { return lines().size() == 3; }));
  EXPECT_TRUE(loop.shut_down(driver));
  EXPECT_EQ(lines(), (std::vector<std::string>{"deploy canary 2.0.0", "ready canary 2.0.0",
                                               "teardown canary 2.0.0"}));
  ASSERT_EQ(loop.reports.size(), 2u);
  EXPECT_EQ(loop.reports[1].ready, 0);
  EXPECT_TRUE(loop.reports[1].endpoints.empty());
}

// Requests that arrive while a command runs are not lost: only the latest one counts.
TEST_F(CommandTargetSequence, TheLatestRequestWinsOverOnesThatArriveDuringADeploy) {
  DriverLoop loop;
  CommandTarget spec = target(logging("deploy"), {}, logging("teardown"));
  CommandTargetDriver driver(spec, "shop", loop.io.get_executor());
  loop.watch(driver);
  driver.scale(Role::Stable, "1.0.0", 1);
  driver.scale(Role::Stable, "1.1.0", 1);
  driver.scale(Role::Stable, "1.2.0", 1);
  const TargetReport* ready = loop.wait_for(Role::Stable, [](auto& r) { return r.ready == 1; });
  ASSERT_TRUE(ready);
  EXPECT_TRUE(loop.shut_down(driver));
  EXPECT_EQ(lines(), (std::vector<std::string>{"deploy stable 1.0.0", "deploy stable 1.2.0"}));
}

TEST_F(CommandTargetSequence, ANeverDeployedRoleIsNotTornDown) {
  DriverLoop loop;
  CommandTargetDriver driver(target(logging("deploy"), {}, logging("teardown")), "shop",
                             loop.io.get_executor());
  loop.watch(driver);
  driver.scale(Role::Baseline, "1.0.0", 0);
  EXPECT_TRUE(loop.shut_down(driver));
  EXPECT_TRUE(lines().empty());
  EXPECT_TRUE(loop.reports.empty());
}

TEST_F(CommandTargetSequence, AFailedTeardownIsReported) {
  DriverLoop loop;
  CommandTargetDriver driver(target({"/bin/true"}, {}, {"/bin/sh", "-c", "echo stuck >&2; exit 2"}),
                             "shop", loop.io.get_executor());
  loop.watch(driver);
  driver.scale(Role::Canary, "2.0.0", 1);
  ASSERT_TRUE(loop.wait_for(Role::Canary, [](auto& r) { return r.ready == 1; }));
  driver.scale(Role::Canary, "2.0.0", 0);
  const TargetReport* failed = loop.wait_for(Role::Canary, has_failure);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->failure, "teardown for canary 2.0.0 failed (exit 2): stuck");
  EXPECT_TRUE(loop.shut_down(driver));
}

}  // namespace
}  // namespace rollguard::testing
