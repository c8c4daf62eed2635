// ctest: integration
// The rollout routes doing their job: apply in YAML and JSON, read back the full status, act,
// delete, read the history.
#include <gtest/gtest.h>

#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"
#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

class ApiRolloutsTest : public ApiFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(ApiRolloutsTest, ApplyYamlThenJsonOfANewVersion) {
  TestResponse r = put_yaml("checkout", manifest_yaml("checkout", "2.0.0"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["outcome"], "Created");
  EXPECT_EQ(r.json()["rollout"]["revision"], 1);
  EXPECT_EQ(put_yaml("checkout", manifest_yaml("checkout", "2.0.0")).json()["outcome"],
            "Unchanged");

  Parsed<RolloutSpec> parsed = parse_rollout_text(manifest_yaml("checkout", "2.1.0"), Format::Yaml);
  ASSERT_TRUE(parsed.ok());
  r = as_operator("PUT", "/v1/rollouts/checkout", to_json(*parsed.value).dump(),
                  {{"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["outcome"], "NewRevision");
  EXPECT_EQ(r.json()["rollout"]["revision"], 2);
  EXPECT_EQ(service_.get("checkout")->spec->canary, "2.1.0");
}

TEST_F(ApiRolloutsTest, StatusHasPhaseStepsTrafficVersionsAndAnalyses) {
  ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  service_.set_split("checkout", TrafficSplit{90, 10, 0}, 1);
  service_.verdict("checkout", "step-1-errors", Verdict::Successful);
  const TestResponse r =
      request_once(port(), "GET", "/v1/rollouts/checkout", {}, bearer(kViewerToken));
  ASSERT_EQ(r.status, 200);
  const auto s = r.json();
  EXPECT_EQ(s["name"], "checkout");
  EXPECT_EQ(s["phase"], "Progressing");
  EXPECT_EQ(s["step"], 2);  // the step's number, as events and "step 2/3" texts give it
  EXPECT_EQ(s["steps"], 3);
  EXPECT_EQ(s["traffic"]["canary"], 10.0);
  EXPECT_EQ(s["canaryVersion"], "2.0.0");
  EXPECT_EQ(s["knownGood"], "1.0.0");
  EXPECT_EQ(s["revision"], 1);
  ASSERT_EQ(s["analyses"].size(), 1u);
  EXPECT_EQ(s["analyses"][0]["id"], "step-1-errors");
  EXPECT_EQ(s["analyses"][0]["verdict"], "Successful");
  EXPECT_EQ(s["spec"]["metadata"]["name"], "checkout");
  EXPECT_FALSE(s["updatedAt"].is_null());
}

TEST_F(ApiRolloutsTest, ListIsSortedByName) {
  for (const char* name : {"zeta", "alpha", "mid"})
    ASSERT_EQ(put_yaml(name, manifest_yaml(name)).status, 201);
  const auto list = as_operator("GET", "/v1/rollouts").json()["rollouts"];
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["name"], "alpha");
  EXPECT_EQ(list[2]["name"], "zeta");
}

struct ActionCase {
  std::string name;
  std::string path;
  Phase before;
  Phase after;
};

class ApiActionTest : public ApiFixture, public ::testing::WithParamInterface<ActionCase> {};

TEST_P(ApiActionTest, MovesThePhase) {
  start();
  const ActionCase& c = GetParam();
  ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  if (c.before != Phase::Progressing) service_.move_to("checkout", c.before, "set by the test");
  const TestResponse r = as_operator("POST", "/v1/rollouts/checkout/" + c.path);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["phase"], to_string(c.after));
  EXPECT_EQ(service_.get("checkout")->state.phase, c.after);
}

INSTANTIATE_TEST_SUITE_P(
    Actions, ApiActionTest,
    ::testing::Values(ActionCase{"Promote", "promote", Phase::Paused, Phase::Progressing},
                      ActionCase{"PromoteFull", "promote?full=true", Phase::Paused,
                                 Phase::Succeeded},
                      ActionCase{"Abort", "abort", Phase::Progressing, Phase::RolledBack},
                      ActionCase{"Pause", "pause", Phase::Progressing, Phase::Paused},
                      ActionCase{"Resume", "resume", Phase::Paused, Phase::Progressing},
                      ActionCase{"Retry", "retry", Phase::RolledBack, Phase::Progressing},
                      ActionCase{"Undo", "undo", Phase::Succeeded, Phase::RolledBack}),
    [](const auto& info) { return info.param.name; });

TEST_F(ApiRolloutsTest, PromotingARolledBackRolloutIsAConflict) {
  ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  service_.move_to("checkout", Phase::RolledBack, "errors over 2%");
  const TestResponse r = as_operator("POST", "/v1/rollouts/checkout/promote");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.json()["error"].value("message", "").find("RolledBack"), std::string::npos) << r.body;
}

TEST_F(ApiRolloutsTest, DeleteStopsManagingAndKeepsNothingListed) {
  ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  EXPECT_EQ(as_operator("DELETE", "/v1/rollouts/checkout").status, 200);
  EXPECT_EQ(as_operator("GET", "/v1/rollouts/checkout").status, 404);
}

TEST_F(ApiRolloutsTest, HistoryInOrderAndAfterASeq) {
  ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  service_.move_to("checkout", Phase::Paused, "step pause");
  service_.move_to("checkout", Phase::Progressing, "pause over");
  auto events = as_operator("GET", "/v1/rollouts/checkout/events").json()["events"];
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["seq"], 1);
  EXPECT_EQ(events[1]["phase"], "Paused");
  EXPECT_EQ(events[1]["reason"], "step pause");
  events = as_operator("GET", "/v1/rollouts/checkout/events?after=2").json()["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["seq"], 3);
}

}  // namespace
}  // namespace rollguard::testing
