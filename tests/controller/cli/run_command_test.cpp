// ctest: integration
// The `rollguard run` binary itself, as a pipeline runs it: NDJSON or plain lines on stdout,
// Ctrl-C and --timeout restoring the known-good traffic before it exits, the exit codes, and
// no instance left behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "controller/support/live_world.hpp"
#include "support/child_process.hpp"
#include "support/free_port.hpp"

namespace rollguard {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

class RunCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rollguard-run-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "1.0.0.ini") << "";
    std::ofstream(dir_ / "2.0.0.ini") << "";
    const int first = live_test::port_range_start();
    std::ofstream(dir_ / "rollout.yaml")
        << R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: piped}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    process:
      command: [")"
        << ROLLGUARD_DEMO_APP
        << R"(", "--port", "{{port}}", "--version", "{{version}}", "--config", ")"
        << (dir_ / "{{version}}.ini").string() << R"("]
      portRange: [)"
        << first << ", " << first + 19 << R"(]
  traffic:
    builtin: {listen: "127.0.0.1:)"
        << testing::free_port() << R"("}
  strategy:
    canary:
      steps:
        - setWeight: 50
        - pause: {duration: 10m}
)";
  }
  void TearDown() override {
    run_.kill();
    fs::remove_all(dir_);
  }

  void start(std::vector<std::string> flags, const std::string& file = "rollout.yaml") {
    std::vector<std::string> argv{ROLLGUARD_BINARY, "run", (dir_ / file).string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    ASSERT_EQ(run_.start(argv), "");
  }

  // Lines until one contains `text` (included); empty when none came in time.
  std::vector<std::string> lines_until(const std::string& text) {
    std::vector<std::string> lines;
    while (auto line = run_.read_line(testing::deadline_in(60s))) {
      lines.push_back(*line);
      if (line->find(text) != std::string::npos) return lines;
    }
    ADD_FAILURE() << "no line with \"" << text << "\"";
    return lines;
  }

  std::vector<std::string> rest() {
    std::vector<std::string> lines;
    while (auto line = run_.read_line(testing::deadline_in(60s))) lines.push_back(*line);
    return lines;
  }

  int exit_code() {
    const auto status = run_.wait_for_exit(testing::deadline_in(60s));
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  // Demo-app instances this test's manifest started that are still alive.
  int instances_alive() const {
    int alive = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string text((std::istreambuf_iterator<char>(cmdline)), {});
      alive += text.find(dir_.string() + "/") != std::string::npos &&
               text.find("rollguard-demo-app") != std::string::npos;
    }
    return alive;
  }

  fs::path dir_;
  testing::ChildProcess run_;
};

TEST_F(RunCommand, CtrlCRestoresTheKnownGoodThenExitsRolledBackWithNothingLeft) {
  start({"-o", "json"});
  lines_until("pause 10m");
  ASSERT_TRUE(run_.send_signal(SIGINT));
  std::vector<std::string> lines = rest();
  EXPECT_EQ(exit_code(), 1);
  ASSERT_GE(lines.size(), 2u);
  for (const std::string& line : lines) EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  const auto rolled_back = nlohmann::json::parse(lines[lines.size() - 2]);
  EXPECT_EQ(rolled_back.at("phase"), "RolledBack");
  EXPECT_EQ(rolled_back.at("actor"), "");
  EXPECT_THAT(rolled_back.at("reason").get<std::string>(),
              HasSubstr("1.0.0 serves 100% (verified)"));
  const auto summary = nlohmann::json::parse(lines.back());
  EXPECT_EQ(summary.at("summary"), true);
  EXPECT_EQ(summary.at("exitCode"), 1);
  // The API's shape (docs/api.md, "Status"), not a sentence.
  const nlohmann::json restored{{"stable", 100.0}, {"canary", 0.0}, {"baseline", 0.0}};
  EXPECT_EQ(summary.at("traffic"), restored);
  EXPECT_EQ(rolled_back.at("traffic"), restored);
  bool abort_by_ctrl_c = false;
  for (const std::string& line : lines) {
    const auto event = nlohmann::json::parse(line);
    abort_by_ctrl_c |= event.value("phase", "") == "RollingBack" &&
                       event.value("reason", "") == "aborted by ctrl-c" &&
                       event.value("actor", "") == "ctrl-c";
  }
  EXPECT_TRUE(abort_by_ctrl_c);
  EXPECT_EQ(instances_alive(), 0);
}

TEST_F(RunCommand, TimeoutRestoresTheKnownGoodAndExits3WithPlainLines) {
  start({"--timeout", "3s"});
  std::vector<std::string> lines = rest();
  EXPECT_EQ(exit_code(), 3);
  const std::regex event_line(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z piped [A-Za-z]+: .+)");
  ASSERT_GE(lines.size(), 3u);
  for (std::size_t i = 0; i + 2 < lines.size(); ++i)
    EXPECT_TRUE(std::regex_match(lines[i], event_line)) << lines[i];
  EXPECT_THAT(lines[lines.size() - 3], HasSubstr("piped RolledBack: "));
  EXPECT_THAT(lines[lines.size() - 2], HasSubstr("== piped: RolledBack"));
  EXPECT_THAT(lines.back(), HasSubstr("exit 3"));
  EXPECT_EQ(instances_alive(), 0);
}

// The manifest with its timed pause made a pause step that waits for `promote`.
std::string held(const fs::path& file) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string timed = "pause: {duration: 10m}";
  text.replace(text.find(timed), timed.size(), "pause: {}");
  return text;
}

// Issue 21: `--success-on-pause` exited 0 and tore everything down without a word, leaving
// nothing to promote. `run` keeps nothing running after it exits, so it says so and gives the
// known-good version its traffic back, verified, before exiting 0.
TEST_F(RunCommand, SuccessOnPauseSaysWhyThenRestoresTheKnownGoodAndExits0) {
  std::ofstream(dir_ / "held.yaml") << held(dir_ / "rollout.yaml");
  start({"--success-on-pause", "-o", "json"}, "held.yaml");
  std::vector<std::string> lines = rest();
  EXPECT_EQ(exit_code(), 0);
  ASSERT_GE(lines.size(), 3u);
  bool said_why = false, restored = false;
  for (const std::string& line : lines) {
    const auto event = nlohmann::json::parse(line);
    const std::string reason = event.value("reason", "");
    said_why |= event.value("kind", "") == "Note" &&
                reason.find("--success-on-pause: 2.0.0 reached a pause step") == 0 &&
                reason.find("1.0.0 gets all traffic back") != std::string::npos;
    restored |= event.value("phase", "") == "RolledBack" &&
                reason == "aborted by --success-on-pause; 1.0.0 serves 100% (verified)";
  }
  EXPECT_TRUE(said_why);
  EXPECT_TRUE(restored);
  const auto summary = nlohmann::json::parse(lines.back());
  EXPECT_EQ(summary.at("exitCode"), 0);
  EXPECT_EQ(instances_alive(), 0);
}

// At a terminal (a pseudo-terminal from `script`; CI=true switched off for it), the live view
// is drawn in place and a summary with the reason follows.
TEST_F(RunCommand, TerminalGetsTheLiveViewAndASummary) {
  ASSERT_EQ(
      run_.start({"/usr/bin/env", "-u", "CI", "/usr/bin/script", "--quiet", "--return", "--command",
                  std::string(ROLLGUARD_BINARY) + " run " + (dir_ / "rollout.yaml").string() +
                      " --timeout 3s",
                  "/dev/null"}),
      "");
  std::string screen;
  for (const std::string& line : rest()) screen += line + "\n";
  EXPECT_EQ(exit_code(), 3);
  EXPECT_THAT(screen, HasSubstr("\x1b[2K"));  // lines redrawn in place
  EXPECT_THAT(screen, HasSubstr("piped  Progressing  step 2/3: pause 10m"));
  EXPECT_THAT(screen, HasSubstr("traffic   1.0.0 50%   2.0.0 50%"));
  EXPECT_THAT(screen, HasSubstr("] 1/3 done"));
  EXPECT_THAT(screen, HasSubstr("piped: RolledBack after 00:0"));
  EXPECT_THAT(screen, HasSubstr("reason:     aborted by timeout; 1.0.0 serves 100% (verified)"));
  EXPECT_EQ(instances_alive(), 0);
}

}  // namespace
}  // namespace rollguard
