// ctest: integration
// The `rollguard` client commands as a user runs them: the real binary against an ApiServer in
// this process, with exit codes, NDJSON and the environment variables of the spec.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "manifests/rollout_parser.hpp"
#include "tests/controller/service/api_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/prometheus_text.hpp"

namespace rollguard::testing {
namespace {

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> lines;
};

class ClientTest : public ApiFixture {
 protected:
  void SetUp() override {
    start();
    ::setenv("ROLLGUARD_SERVER", ("http://127.0.0.1:" + std::to_string(port())).c_str(), 1);
    ::setenv("ROLLGUARD_TOKEN", kOperatorToken.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("ROLLGUARD_SERVER");
    ::unsetenv("ROLLGUARD_TOKEN");
  }

  void launch(ChildProcess& child, std::vector<std::string> args) {
    args.insert(args.begin(), ROLLGUARD_BINARY);
    ASSERT_EQ(child.start(args), "");
  }

  static CliRun finish(ChildProcess& child) {
    CliRun run;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (auto line = child.read_line(deadline)) run.lines.push_back(*line);
    const auto status = child.wait_for_exit(deadline);
    run.exit_code = status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
    return run;
  }

  CliRun cli(std::vector<std::string> args) {
    ChildProcess child;
    launch(child, std::move(args));
    return finish(child);
  }

  std::string manifest_file(const std::string& name, const std::string& canary = "2.0.0") {
    return dir_.file(name + ".yaml", manifest_yaml(name, canary));
  }

  // Requests answered on the events route so far (the client's history read, then its stream).
  double events_requests() {
    const auto m = parse_prometheus_text(
        request_once(port(), "GET", "/metrics", {}, bearer(kViewerToken)).body);
    const auto it = m.find(
        "rollguard_api_requests_total{method=\"GET\",route=\"/v1/rollouts/{name}/events\",code="
        "\"200\"}");
    return it == m.end() ? 0 : it->second;
  }
};

TEST_F(ClientTest, ApplyCreatesTheRollout) {
  const CliRun run = cli({"apply", manifest_file("checkout")});
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_FALSE(run.lines.empty());
  EXPECT_EQ(run.lines[0], "checkout: Created (revision 1, Progressing)");
  EXPECT_EQ(service_.get("checkout")->spec->canary, "2.0.0");
  EXPECT_EQ(service_.history("checkout")[0].event.actor, "otto");
}

struct ExitCase {
  std::string name;
  Phase phase;
  int exit_code;
};

class ClientWaitTest : public ClientTest, public ::testing::WithParamInterface<ExitCase> {};

TEST_P(ClientWaitTest, ApplyWaitFollowsTheStreamAndExitsLikeRun) {
  const ExitCase& c = GetParam();
  ChildProcess child;
  launch(child, {"apply", manifest_file("checkout"), "--wait", "-o", "json"});
  // Once the client reads its stream (its second request on the events route), the rollout
  // ends as the controller would end it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (events_requests() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_GE(events_requests(), 2);
  if (c.phase == Phase::RolledBack)
    service_.move_to("checkout", Phase::RollingBack, "errors over 2%");
  service_.move_to("checkout", c.phase, "the end");
  const CliRun run = finish(child);
  EXPECT_EQ(run.exit_code, c.exit_code);
  ASSERT_GE(run.lines.size(), 3u);
  const auto summary = nlohmann::json::parse(run.lines.back());
  EXPECT_EQ(summary["summary"], true);
  EXPECT_EQ(summary["phase"], to_string(c.phase));
  EXPECT_EQ(summary["exitCode"], c.exit_code);
  const auto last_event = nlohmann::json::parse(run.lines[run.lines.size() - 2]);
  EXPECT_EQ(last_event["phase"], to_string(c.phase));
  EXPECT_EQ(last_event["reason"], "the end");
}

INSTANTIATE_TEST_SUITE_P(Ends, ClientWaitTest,
                         ::testing::Values(ExitCase{"Succeeded", Phase::Succeeded, 0},
                                           ExitCase{"RolledBack", Phase::RolledBack, 1},
                                           ExitCase{"Failed", Phase::Failed, 4}),
                         [](const auto& info) { return info.param.name; });

// A pipeline hands over to a person at a pause step: the client exits 0 there and the
// rollout stays paused on the server; a pause for a failed analysis is no success.
TEST_F(ClientTest, ApplyWaitSuccessOnPauseEndsAtAPauseStepOnly) {
  ChildProcess child;
  launch(child, {"apply", manifest_file("checkout"), "--wait", "--success-on-pause", "-o", "json"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (events_requests() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_GE(events_requests(), 2);
  service_.move_to("checkout", Phase::Paused, "errors over 2%", PauseReason::Failure);
  service_.move_to("checkout", Phase::Progressing, "resumed");
  service_.move_to("checkout", Phase::Paused, "step 2/3: pause: waiting for promote",
                   PauseReason::Step);
  const CliRun run = finish(child);
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_FALSE(run.lines.empty());
  const auto summary = nlohmann::json::parse(run.lines.back());
  EXPECT_EQ(summary["phase"], "Paused");
  EXPECT_EQ(summary["exitCode"], 0);
  EXPECT_EQ(service_.get("checkout")->state.phase, Phase::Paused);
  // Watching a rollout already held at its pause step ends at once.
  EXPECT_EQ(cli({"status", "checkout", "--watch", "--success-on-pause"}).exit_code, 0);
}

TEST_F(ClientTest, StatusWatchTimesOutWithExit3) {
  service_.apply(*parse_rollout_text(manifest_yaml("checkout"), Format::Yaml).value, "otto");
  const CliRun run = cli({"status", "checkout", "--watch", "--timeout", "300ms"});
  EXPECT_EQ(run.exit_code, 3);
}

TEST_F(ClientTest, StatusWatchOfAnEndedRolloutExitsAtOnce) {
  service_.apply(*parse_rollout_text(manifest_yaml("checkout"), Format::Yaml).value, "otto");
  service_.move_to("checkout", Phase::RolledBack, "errors over 2%");
  const CliRun run = cli({"status", "checkout", "--watch"});
  EXPECT_EQ(run.exit_code, 1);
}

TEST_F(ClientTest, InvalidManifestIsExit2WithItsPosition) {
  const std::string file = dir_.file("bad.yaml",
                                     "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: "
                                     "{name: x}\nspec: {canary: {versoin: 2}}\n");
  EXPECT_EQ(cli({"apply", file}).exit_code, 2);
}

TEST_F(ClientTest, UnreachableControllerIsExit4) {
  const CliRun run = cli({"get", "--server", "http://127.0.0.1:1"});
  EXPECT_EQ(run.exit_code, 4);
}

TEST_F(ClientTest, RefusedActionIsExit2) {
  service_.apply(*parse_rollout_text(manifest_yaml("checkout"), Format::Yaml).value, "otto");
  service_.move_to("checkout", Phase::RolledBack, "errors over 2%");
  EXPECT_EQ(cli({"promote", "checkout"}).exit_code, 2);  // 409
  EXPECT_EQ(cli({"promote", "nothing"}).exit_code, 2);   // 404
  ::setenv("ROLLGUARD_TOKEN", kViewerToken.c_str(), 1);
  EXPECT_EQ(cli({"retry", "checkout"}).exit_code, 2);  // 403
  EXPECT_EQ(service_.get("checkout")->state.phase, Phase::RolledBack);
}

TEST_F(ClientTest, ActionsGetAndHistory) {
  service_.apply(*parse_rollout_text(manifest_yaml("checkout"), Format::Yaml).value, "otto");
  service_.move_to("checkout", Phase::Paused, "step pause");
  CliRun run = cli({"promote", "checkout", "--full"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(service_.get("checkout")->state.phase, Phase::Succeeded);
  run = cli({"get", "-o", "json"});
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(run.lines[0])["phase"], "Succeeded");
  run = cli({"history", "checkout", "-o", "json"});
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_EQ(run.lines.size(), service_.history("checkout").size());
  EXPECT_EQ(nlohmann::json::parse(run.lines[1])["reason"], "step pause");
  run = cli({"get"});
  ASSERT_EQ(run.lines.size(), 2u);
  EXPECT_EQ(run.lines[1].rfind("checkout", 0), 0u);
}

// Issue 21: the event said "step 2/..." while `get` said 1/3 and the JSON "step":1; a
// rolled-back rollout read "RolledBack ()"; analyses were listed by their run id.
TEST_F(ClientTest, GetSpeaksOneStepNumberingAndNamesTheTemplates) {
  const std::string yaml = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: checkout}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    static: {stable: ["127.0.0.1:9001"], canary: ["127.0.0.1:9002"]}
  analysis:
    templates:
      - name: errors
        metric: {builtin: {query: error_rate}}
        successCondition: "result < 0.02"
  strategy:
    canary:
      steps:
        - setWeight: 10
        - analysis: {templates: [errors]}
        - setWeight: 50
)";
  service_.apply(*parse_rollout_text(yaml, Format::Yaml).value, "otto");
  service_.set_split("checkout", TrafficSplit{90, 10, 0}, 1);  // the second step
  service_.verdict("checkout", "step2.0", Verdict::Successful);

  CliRun run = cli({"get", "checkout"});
  ASSERT_EQ(run.exit_code, 0);
  std::string text;
  for (const std::string& line : run.lines) text += line + "\n";
  EXPECT_THAT(text, ::testing::HasSubstr("\nStep:        2/3\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nPhase:       Progressing\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("\n  errors +step 2 +Successful\n"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("step2.0")));

  run = cli({"get", "checkout", "-o", "json"});
  ASSERT_EQ(run.lines.size(), 1u);
  const auto status = nlohmann::json::parse(run.lines[0]);
  run = cli({"history", "checkout", "-o", "json"});
  nlohmann::json step_started;
  for (const std::string& line : run.lines)
    if (nlohmann::json::parse(line)["kind"] == "StepStarted")
      step_started = nlohmann::json::parse(line);
  ASSERT_FALSE(step_started.is_null());
  EXPECT_EQ(status["step"], 2);
  EXPECT_EQ(status["step"], step_started["step"]);

  run = cli({"get"});
  ASSERT_EQ(run.lines.size(), 2u);
  EXPECT_THAT(run.lines[1], ::testing::HasSubstr(" 2/3 "));

  service_.move_to("checkout", Phase::RolledBack, "errors over 2%");
  run = cli({"get", "checkout"});
  EXPECT_THAT(run.lines, ::testing::Contains("Phase:       RolledBack"));
}

}  // namespace
}  // namespace rollguard::testing
