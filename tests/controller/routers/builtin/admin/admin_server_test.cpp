// ctest: integration
// The standalone router's admin API over a real socket, in front of a real BuiltinRouterServer
// with two real backends: PUT sets the split the data plane uses, GET reads back what the
// data plane holds, /v1/stats hands out the outcomes of the traffic, and bad requests get
// the controller API's kind of error.
#include "controller/routers/builtin/admin/admin_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "support/test_http_client.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using ::testing::HasSubstr;
using testing::TestHeaders;

const TestHeaders kJson{{"Content-Type", "application/json"}};
const TimePoint kNow{Duration(1'765'000'000'000)};

class AdminApi : public ::testing::Test {
 protected:
  void SetUp() override {
    stable_.answer("/", 200, "stable");
    canary_.answer("/", 200, "canary");
    ASSERT_EQ(router_.start(), std::nullopt);
    ASSERT_EQ(server_.start(), std::nullopt);
    admin_ = std::make_unique<testing::TestHttpClient>(server_.port());
  }

  testing::TestResponse put(const std::string& body, const TestHeaders& headers = kJson) {
    return admin_->request("PUT", "/v1/routes", body, headers);
  }
  std::string split_body(int stable, int canary) const {
    return nlohmann::json{
        {"rollout", "checkout"},
        {"split", {{"stable", stable}, {"canary", canary}}},
        {"backends", {{"stable", {stable_.endpoint()}}, {"canary", {canary_.endpoint()}}}}}
        .dump();
  }
  // Bodies of `n` requests through the router, each on a connection of its own.
  std::map<std::string, int> send_traffic(int n) {
    std::map<std::string, int> seen;
    for (int i = 0; i < n; ++i) {
      const auto r = testing::request_once(router_.port(), "GET", "/");
      ++seen[r.status == 200 ? r.body : std::to_string(r.status)];
    }
    return seen;
  }

  VirtualClock clock_{kNow};  // never advanced: read from the router's threads
  testing::TestHttpServer stable_, canary_;
  OutcomeLog outcomes_;
  BuiltinRouterServer router_{RouterOptions{}, clock_, outcomes_};
  RouterAdmin admin_api_{router_, outcomes_, clock_};
  AdminServer server_{admin_api_, AdminServerOptions{}};
  std::unique_ptr<testing::TestHttpClient> admin_;
};

TEST_F(AdminApi, StartsWithNoRoutesAndTrafficGets503) {
  const auto routes = admin_->get("/v1/routes");
  ASSERT_EQ(routes.status, 200);
  EXPECT_EQ(routes.json().at("revision"), 0);
  EXPECT_EQ(routes.json().at("configured"), false);
  EXPECT_EQ(send_traffic(3), (std::map<std::string, int>{{"503", 3}}));
  const auto health = admin_->get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json().at("ok"), true);
}

TEST_F(AdminApi, PutSetsTheSplitTheTrafficFollowsAndGetReadsItBack) {
  const auto set = put(split_body(75, 25));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json().at("revision"), 1);
  EXPECT_EQ(set.header("content-type"), "application/json");
  // Smooth weighted round-robin: exact over every 4 requests.
  EXPECT_EQ(send_traffic(40), (std::map<std::string, int>{{"canary", 10}, {"stable", 30}}));

  const auto read = admin_->get("/v1/routes").json();
  EXPECT_EQ(read.at("rollout"), "checkout");
  EXPECT_EQ(read.at("split").at("canary"), 25.0);
  EXPECT_EQ(read.at("backends").at("stable"), nlohmann::json::array({stable_.endpoint()}));
  EXPECT_EQ(read.at("revision"), 1);

  ASSERT_EQ(put(split_body(100, 0)).json().at("revision"), 2);
  EXPECT_EQ(send_traffic(10), (std::map<std::string, int>{{"stable", 10}}));
}

TEST_F(AdminApi, StatsHandOutEveryOutcomeOnceWithTotals) {
  ASSERT_EQ(put(split_body(50, 50)).status, 200);
  send_traffic(12);  // 6 per I/O thread: 3 and 3 on each
  const auto first = admin_->get("/v1/stats").json();
  EXPECT_EQ(first.at("now"), kNow.time_since_epoch().count());
  EXPECT_EQ(first.at("last"), 12);
  EXPECT_EQ(first.at("outcomes").size(), 12u);
  EXPECT_EQ(first.at("totals").at("canary").at("requests"), 6);
  EXPECT_EQ(first.at("totals").at("stable").at("failures"), 0);
  const auto outcome = first.at("outcomes").at(0);
  EXPECT_EQ(outcome.at(1), kNow.time_since_epoch().count());
  EXPECT_EQ(outcome.at(2), 200);

  send_traffic(2);
  const auto next = admin_->get("/v1/stats?after=12").json();
  EXPECT_EQ(next.at("outcomes").size(), 2u);
  EXPECT_EQ(next.at("last"), 14);
  EXPECT_EQ(admin_->get("/v1/stats?after=14&limit=5").json().at("outcomes").size(), 0u);
  EXPECT_EQ(admin_->get("/v1/stats?after=0&limit=3").json().at("last"), 3);
}

TEST_F(AdminApi, ARefusedPutChangesNothing) {
  ASSERT_EQ(put(split_body(90, 10)).status, 200);
  struct Case {
    const char* name;
    std::string body;
    TestHeaders headers;
    int status;
    const char* code;
    const char* says;
  };
  const Case cases[] = {
      {"yaml",
       "split: {}",
       {{"Content-Type", "application/yaml"}},
       415,
       "UnsupportedMediaType",
       "application/json"},
      {"not json", "{", kJson, 400, "BadRequest", "not valid JSON"},
      {"bad percent", R"({"split": {"canary": 120}})", kJson, 422, "InvalidRoutes", "split.canary"},
      {"bad backend", R"({"split": {"canary": 5}, "backends": {"canary": ["nowhere"]}})", kJson,
       422, "InvalidRoutes", "backends.canary[0]"},
  };
  for (const Case& c : cases) {
    const auto r = put(c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.json().at("error").at("code"), c.code) << c.name;
    EXPECT_THAT(r.json().at("error").at("message").get<std::string>(), HasSubstr(c.says)) << c.name;
  }
  const auto read = admin_->get("/v1/routes").json();
  EXPECT_EQ(read.at("revision"), 1);
  EXPECT_EQ(read.at("split").at("canary"), 10.0);
}

TEST_F(AdminApi, UnknownPathsMethodsAndHugeBodiesAreRefused) {
  EXPECT_EQ(admin_->get("/v1/rollouts").status, 404);
  const auto wrong = admin_->request("POST", "/v1/routes", "{}", kJson);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, PUT");
  EXPECT_EQ(admin_->get("/v1/stats?after=x").status, 400);
}

// A body over the limit is refused before it is read. The limit is small here so that the
// whole body fits in the socket buffers: the client is not cut off while still writing.
TEST_F(AdminApi, ABodyOverTheLimitIs413) {
  AdminServerOptions small;
  small.body_limit = 1024;
  AdminServer server(admin_api_, small);
  ASSERT_EQ(server.start(), std::nullopt);
  const auto huge =
      testing::request_once(server.port(), "PUT", "/v1/routes", std::string(4096, ' '), kJson);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.json().at("error").at("code"), "PayloadTooLarge");
}

}  // namespace
}  // namespace rollguard
