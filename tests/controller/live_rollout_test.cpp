// `rollguard run`'s engine end to end, for real: demo-app processes as stable and canary, the
// built-in router in front, live traffic through it, builtin metrics judging the canary.
#include "controller/live_rollout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "manifests/rollout_parser.hpp"
#include "support/test_http_client.hpp"

namespace rollguard {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Sends requests through the router until stopped, counting answers by X-Version.
class Load {
 public:
  explicit Load(std::uint16_t port) : thread_([this, port] { run(port); }) {}
  ~Load() {
    stop_ = true;
    thread_.join();
  }

 private:
  void run(std::uint16_t port) {
    while (!stop_) {
      try {
        testing::TestHttpClient client(port, std::chrono::seconds(5));
        while (!stop_) {
          client.get("/");
          std::this_thread::sleep_for(std::chrono::milliseconds(4));
        }
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class LiveRolloutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rollguard-live-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "1.0.0.ini") << "";
    router_port_ = free_port();
  }
  void TearDown() override { fs::remove_all(dir_); }

  RolloutSpec spec(const std::string& canary_flags) {
    std::ofstream(dir_ / "2.0.0.ini") << canary_flags;
    const int first = 41000 + (::getpid() % 500) * 20;
    std::string yaml = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: live}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    process:
      command: [")" + std::string(ROLLGUARD_DEMO_APP) +
                       R"(", "--port", "{{port}}", "--version", "{{version}}", "--config", ")" +
                       (dir_ / "{{version}}.ini").string() + R"("]
      instances: 1
      portRange: [)" + std::to_string(first) +
                       ", " + std::to_string(first + 19) + R"(]
      readiness: {http: {path: /healthz}, timeout: 20s}
  traffic:
    builtin: {listen: "127.0.0.1:)" +
                       std::to_string(router_port_) + R"("}
  strategy:
    canary:
      steps:
        - setWeight: 50
        - analysis: {templates: [errors]}
        - setWeight: 100
  analysis:
    templates:
      - name: errors
        interval: 1s
        count: 3
        minSamples: 5
        metric: {builtin: {query: error_rate}}
        successCondition: "result < 0.05"
  rollback: {progressDeadline: 1m}
)";
    Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, "live.yaml");
    for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
    return *parsed.value;
  }

  // Runs until the rollout is terminal and settled, with traffic flowing.
  RolloutState run(LiveRollout& live) {
    EXPECT_EQ(live.start("1.0.0"), std::nullopt);
    Load load(router_port_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
      if (is_terminal(live.state().phase) && live.settled()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return live.state();
  }

  std::map<std::string, int> versions_served(int requests) {
    std::map<std::string, int> seen;
    testing::TestHttpClient client(router_port_, std::chrono::seconds(5));
    for (int i = 0; i < requests; ++i) ++seen[std::string(client.get("/")["X-Version"])];
    return seen;
  }

  fs::path dir_;
  std::uint16_t router_port_ = 0;
  std::vector<std::string> events_;
};

TEST_F(LiveRolloutTest, FailingCanaryIsRolledBackAndTheRouterServesOnlyTheKnownGood) {
  LiveRollout live(spec("error-rate = 0.5\n"),
                   [this](const Event& e, const RolloutState&) { events_.push_back(e.reason); });
  const RolloutState s = run(live);
  ASSERT_EQ(s.phase, Phase::RolledBack) << s.message;
  EXPECT_THAT(s.message, HasSubstr("error_rate"));
  EXPECT_THAT(s.message, HasSubstr("1.0.0 serves 100% (verified)"));
  EXPECT_EQ(versions_served(40), (std::map<std::string, int>{{"1.0.0", 40}}));
  live.shutdown();
}

TEST_F(LiveRolloutTest, HealthyCanaryIsPromoted) {
  LiveRollout live(spec(""),
                   [this](const Event& e, const RolloutState&) { events_.push_back(e.reason); });
  const RolloutState s = run(live);
  ASSERT_EQ(s.phase, Phase::Succeeded) << s.message;
  EXPECT_EQ(s.knownGood, "2.0.0");
  EXPECT_EQ(versions_served(40), (std::map<std::string, int>{{"2.0.0", 40}}));
  live.shutdown();
}

}  // namespace
}  // namespace rollguard
