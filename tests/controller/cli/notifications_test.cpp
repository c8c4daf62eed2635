// ctest: integration
// The binaries send the notifications a manifest asks for (issue 21: both `run` and `serve`
// validated `notifications:` and sent nothing). A real local listener receives them; every
// phase a rollout can be notified of on its way is reached by a real run: Progressing and
// Succeeded, Paused, RollingBack and RolledBack (Failed is covered in webhook_sender_test).
// Each delivery's outcome is a line of the rollout's own events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "controller/service/serve_process.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "tests/support/test_http_server.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Static targets on `app` (or a closed port for a canary that fails its probe), traffic
// none: nothing is started, so the rollout moves on its own timers and probes.
std::string manifest(const std::string& name, const std::string& app, const std::string& hook,
                     const std::string& steps, bool canary_down = false) {
  const std::string canary = canary_down ? "127.0.0.1:9" : app;
  return "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: " + name +
         "}\nspec:\n"
         "  stable: {version: \"1.0.0\"}\n"
         "  canary: {version: \"2.0.0\"}\n"
         "  target: {static: {stable: [\"" +
         app + "\"], canary: [\"" + canary +
         "\"]}}\n"
         "  traffic: {none: {}}\n"
         "  strategy: {canary: {steps: " +
         steps +
         "}}\n"
         "  probes: [{name: alive, tcp: {}, interval: 200ms, timeout: 1s, failureThreshold: 1}]\n"
         "  notifications:\n"
         "    - webhook:\n"
         "        url: " +
         hook +
         "\n"
         "        events: [Progressing, Paused, Succeeded, RollingBack, RolledBack, Failed]\n";
}

class Notifications : public ::testing::Test {
 protected:
  void SetUp() override {
    app_.answer("/", 200, "ok");
    receiver_.answer("/hook", 200);
    receiver_.answer("/refuses", 400, "no");
  }

  std::string hook(const std::string& path = "/hook") const {
    return "http://" + receiver_.endpoint() + path;
  }

  // `rollguard ARGS...`: its exit code and its stdout lines.
  std::pair<int, std::vector<std::string>> rollguard(std::vector<std::string> args) {
    args.insert(args.begin(), ROLLGUARD_BINARY);
    testing::ChildProcess child;
    EXPECT_EQ(child.start(args), "");
    std::vector<std::string> lines;
    while (auto line = child.read_line(testing::deadline_in(60s))) lines.push_back(*line);
    const auto status = child.wait_for_exit(testing::deadline_in(60s));
    EXPECT_TRUE(status && WIFEXITED(*status));
    return {status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, lines};
  }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_.file(name + ".yaml");
    std::ofstream(path) << text;
    return path;
  }

  std::vector<std::string> phases_received(const std::string& rollout) const {
    std::vector<std::string> phases;
    for (const auto& r : receiver_.requests()) {
      if (r.target != "/hook") continue;
      const auto body = nlohmann::json::parse(r.body);
      if (body["rollout"] == rollout) phases.push_back(body["phase"]);
    }
    return phases;
  }

  testing::TestHttpServer app_;
  testing::TestHttpServer receiver_;
  testing::TempDir dir_{"notifications"};
};

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

TEST_F(Notifications, RunSendsProgressingAndSucceededAndPrintsEachDelivery) {
  const auto [code, lines] =
      rollguard({"run", write("ok", manifest("ok", app_.endpoint(), hook(),
                                             "[{setWeight: 50}, {pause: {duration: 1s}}]"))});
  EXPECT_EQ(code, 0) << joined(lines);
  const auto phases = phases_received("ok");
  ASSERT_FALSE(phases.empty());
  EXPECT_EQ(phases.front(), "Progressing");
  EXPECT_EQ(phases.back(), "Succeeded");
  EXPECT_THAT(joined(lines), HasSubstr("webhook " + hook() + ": Succeeded delivered (1 attempt)"));
}

TEST_F(Notifications, RunSendsRollingBackAndRolledBackForACanaryThatFailsItsProbe) {
  const auto [code, lines] = rollguard(
      {"run", write("down", manifest("down", app_.endpoint(), hook(),
                                     "[{setWeight: 50}, {pause: {duration: 1m}}]", true))});
  EXPECT_EQ(code, 1) << joined(lines);
  EXPECT_THAT(phases_received("down"),
              ::testing::IsSupersetOf({std::string("RollingBack"), std::string("RolledBack")}));
  EXPECT_THAT(joined(lines), HasSubstr("RolledBack delivered"));
}

TEST_F(Notifications, RunSendsPausedAndSaysWhenADeliveryIsRefused) {
  std::string text = manifest("held", app_.endpoint(), hook(), "[{setWeight: 50}, {pause: {}}]");
  text += "    - webhook: {url: \"" + hook("/refuses") + "\", events: [Paused]}\n";
  const auto [code, lines] = rollguard({"run", write("held", text), "--success-on-pause"});
  EXPECT_EQ(code, 0) << joined(lines);
  EXPECT_THAT(phases_received("held"), ::testing::Contains(std::string("Paused")));
  EXPECT_THAT(joined(lines), HasSubstr("webhook " + hook("/refuses") +
                                       ": Paused not delivered after 1 attempt: HTTP 400"));
}

TEST_F(Notifications, ServeSendsThemAndRecordsEachOutcomeInTheRolloutsHistory) {
  testing::ServeProcess serve(dir_.file("data"), dir_.file("serve.log"));
  ASSERT_EQ(serve.start(), "");
  const auto port = serve.wait_ready(20s);
  ASSERT_TRUE(port) << serve.log_tail();
  const std::string server = "http://127.0.0.1:" + std::to_string(*port);
  const auto [applied, apply_lines] =
      rollguard({"apply",
                 write("served", manifest("served", app_.endpoint(), hook(),
                                          "[{setWeight: 50}, {pause: {duration: 1s}}]")),
                 "--server", server, "--wait"});
  EXPECT_EQ(applied, 0) << joined(apply_lines) << serve.log_tail();
  const auto phases = phases_received("served");
  ASSERT_FALSE(phases.empty()) << serve.log_tail();
  EXPECT_EQ(phases.front(), "Progressing");
  EXPECT_EQ(phases.back(), "Succeeded");
  // The outcome of the last delivery is written after it arrived: look until it is there.
  std::string history;
  for (int i = 0; i < 200; ++i, std::this_thread::sleep_for(50ms)) {
    history = joined(rollguard({"history", "served", "--server", server}).second);
    if (history.find("Succeeded delivered") != std::string::npos) break;
  }
  EXPECT_THAT(history, HasSubstr("webhook " + hook() + ": Progressing delivered (1 attempt)"));
  EXPECT_THAT(history, HasSubstr("webhook " + hook() + ": Succeeded delivered (1 attempt)"));
  EXPECT_EQ(WEXITSTATUS(serve.kill(SIGTERM)), 0) << serve.log_tail();
}

}  // namespace
}  // namespace rollguard
