// ctest: integration
// The real `rollguard router` binary: it starts with no routes (503), takes its split over
// the admin API, sends real traffic by it, reports the outcomes on /v1/stats, keeps the split
// when nobody talks to it any more, and drains on SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <map>

#include "support/router_process.hpp"
#include "support/test_http_client.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using testing::TestHeaders;

class StandaloneRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    stable_.answer("/", 200, "1.0.0");
    canary_.answer("/", 500, "2.0.0 broken");
    ASSERT_TRUE(router_.start());
  }

  testing::TestResponse put_split(int stable, int canary) {
    const std::string body =
        nlohmann::json{
            {"rollout", "checkout"},
            {"split", {{"stable", stable}, {"canary", canary}}},
            {"backends", {{"stable", {stable_.endpoint()}}, {"canary", {canary_.endpoint()}}}}}
            .dump();
    return testing::request_once(router_.admin_port, "PUT", "/v1/routes", body,
                                 {{"Content-Type", "application/json"}});
  }

  std::map<int, int> statuses_of(int n) {
    std::map<int, int> seen;
    for (int i = 0; i < n; ++i)
      ++seen[testing::request_once(router_.listen_port, "GET", "/").status];
    return seen;
  }

  testing::TestHttpServer stable_, canary_;
  testing::RouterProcess router_;
};

TEST_F(StandaloneRouter, AnswersTrafficWith503UntilConfigured) {
  EXPECT_EQ(statuses_of(4), (std::map<int, int>{{503, 4}}));
  const auto routes = testing::request_once(router_.admin_port, "GET", "/v1/routes");
  EXPECT_EQ(routes.json().at("configured"), false);
  EXPECT_EQ(testing::request_once(router_.admin_port, "GET", "/healthz").status, 200);
}

TEST_F(StandaloneRouter, SplitsByWhatWasPutReportsItAndKeepsItWhenLeftAlone) {
  const auto set = put_split(80, 20);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(statuses_of(50), (std::map<int, int>{{200, 40}, {500, 10}}));

  const auto stats = testing::request_once(router_.admin_port, "GET", "/v1/stats").json();
  EXPECT_EQ(stats.at("totals").at("stable").at("requests"), 40);
  EXPECT_EQ(stats.at("totals").at("canary").at("requests"), 10);
  EXPECT_EQ(stats.at("totals").at("canary").at("failures"), 10);
  EXPECT_EQ(stats.at("outcomes").size(), 50u);

  // Nobody configures it any more (every admin connection above is closed): the split stays,
  // request after request, and so does what it reports.
  for (int round = 0; round < 3; ++round)
    EXPECT_EQ(statuses_of(20), (std::map<int, int>{{200, 16}, {500, 4}})) << round;
  const auto routes = testing::request_once(router_.admin_port, "GET", "/v1/routes").json();
  EXPECT_EQ(routes.at("revision"), 1);
  EXPECT_EQ(routes.at("split").at("stable"), 80.0);
}

TEST_F(StandaloneRouter, SigtermDrainsAndExitsZero) {
  ASSERT_EQ(put_split(100, 0).status, 200);
  EXPECT_EQ(statuses_of(3), (std::map<int, int>{{200, 3}}));
  ASSERT_TRUE(router_.process.send_signal(SIGTERM));
  const auto status = router_.process.wait_for_exit(testing::deadline_in(30s));
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

TEST(StandaloneRouterFlags, RefusesBadAddressesWithUsageAndABusyPortWithFailed) {
  struct Case {
    const char* name;
    std::vector<std::string> args;
    int code;
  };
  testing::TestHttpServer busy;
  const Case cases[] = {
      {"no admin", {"router", "--listen", "127.0.0.1:0"}, 2},
      {"listen without port", {"router", "--listen", "127.0.0.1", "--admin", "127.0.0.1:0"}, 2},
      {"bad grace",
       {"router", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--drain-grace", "soon"},
       2},
      {"admin port in use", {"router", "--listen", "127.0.0.1:0", "--admin", busy.endpoint()}, 4},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv{ROLLGUARD_BINARY};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    testing::ChildProcess child;
    ASSERT_EQ(child.start(argv), "");
    const auto status = child.wait_for_exit(testing::deadline_in(30s));
    ASSERT_TRUE(status && WIFEXITED(*status)) << c.name;
    EXPECT_EQ(WEXITSTATUS(*status), c.code) << c.name;
  }
}

}  // namespace
}  // namespace rollguard
