// ctest: integration
// `rollguard run` of a manifest whose traffic is a standalone `rollguard router`
// (traffic.builtin.admin): the rollout drives the router over its admin API, a rollback is
// reported only once the router holds 100% stable, and a controller killed with -9 leaves the
// router serving its last split.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/router_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class RunWithStandaloneRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    stable_.answer("/", 200, "1.0.0");
    canary_.answer("/", 200, "2.0.0");
    ASSERT_TRUE(router_.start());
  }

  // Static instances behind the standalone router; the canary at `canary` (a closed port
  // fails its probe).
  std::string manifest(const std::string& canary) const {
    return "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: remote}\nspec:\n"
           "  stable: {version: \"1.0.0\"}\n"
           "  canary: {version: \"2.0.0\"}\n"
           "  target: {static: {stable: [\"" +
           stable_.endpoint() + "\"], canary: [\"" + canary +
           "\"]}}\n"
           "  traffic: {builtin: {listen: \"" +
           router_.listen() + "\", admin: \"" + router_.admin() +
           "\"}}\n"
           "  strategy: {canary: {steps: [{setWeight: 50}, {pause: {duration: 10m}}]}}\n"
           "  probes: [{name: alive, tcp: {}, interval: 200ms, timeout: 1s, "
           "failureThreshold: 1}]\n";
  }

  void start_run(const std::string& text) {
    const std::string path = (dir_.path() / "rollout.yaml").string();
    std::ofstream(path) << text;
    ASSERT_EQ(run_.start({ROLLGUARD_BINARY, "run", path, "-o", "json"}), "");
  }

  std::vector<std::string> lines_until(const std::string& text) {
    std::vector<std::string> lines;
    while (auto line = run_.read_line(testing::deadline_in(60s))) {
      lines.push_back(*line);
      if (line->find(text) != std::string::npos) return lines;
    }
    ADD_FAILURE() << "no line with \"" << text << "\"";
    return lines;
  }

  std::map<std::string, int> bodies_of(int n) {
    std::map<std::string, int> seen;
    for (int i = 0; i < n; ++i) {
      const auto r = testing::request_once(router_.listen_port, "GET", "/");
      ++seen[r.status == 200 ? r.body : std::to_string(r.status)];
    }
    return seen;
  }

  nlohmann::json routes() {
    return testing::request_once(router_.admin_port, "GET", "/v1/routes").json();
  }

  testing::TempDir dir_{"standalone-router"};
  testing::TestHttpServer stable_, canary_;
  testing::RouterProcess router_;
  testing::ChildProcess run_;
};

TEST_F(RunWithStandaloneRouter, ARollbackIsReportedOnceTheRouterHoldsStable) {
  start_run(manifest("127.0.0.1:" + std::to_string(testing::free_port())));
  const auto lines = lines_until("\"summary\"");
  const auto status = run_.wait_for_exit(testing::deadline_in(60s));
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  bool verified = false;
  for (const std::string& line : lines) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    verified |= event.is_object() && event.value("phase", "") == "RolledBack" &&
                event.value("reason", "").find("1.0.0 serves 100% (verified)") != std::string::npos;
  }
  EXPECT_TRUE(verified);
  const auto held = routes();
  EXPECT_EQ(held.at("rollout"), "remote");
  EXPECT_EQ(held.at("split").at("stable"), 100.0);
  EXPECT_EQ(held.at("split").at("canary"), 0.0);
  // The controller is gone; the router still serves the known-good version.
  EXPECT_EQ(bodies_of(10), (std::map<std::string, int>{{"1.0.0", 10}}));
}

TEST_F(RunWithStandaloneRouter, AControllerKilledMidRolloutLeavesTheSplitInPlace) {
  start_run(manifest(canary_.endpoint()));
  lines_until("pause 10m");
  const auto held = routes();
  ASSERT_EQ(held.at("split").at("canary"), 50.0);
  ASSERT_TRUE(run_.send_signal(SIGKILL));
  run_.wait_for_exit(testing::deadline_in(30s));
  EXPECT_EQ(bodies_of(20), (std::map<std::string, int>{{"1.0.0", 10}, {"2.0.0", 10}}));
  EXPECT_EQ(routes().at("revision"), held.at("revision"));
}

}  // namespace
}  // namespace rollguard
