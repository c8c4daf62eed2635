// ctest: integration
// The real rollguard-demo-app binary, started as a child process and spoken to over loopback.
// Nothing here asserts on wall-clock time: transitions are polled with generous deadlines.
#include <sys/prctl.h>

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/demo_app_process.hpp"
#include "support/prometheus_text.hpp"
#include "support/test_http_client.hpp"

namespace rollguard::testing {
namespace {
using namespace std::chrono_literals;

constexpr auto kDeadline = 20s;
const TestHeaders kJson{{"Content-Type", "application/json"}};

class DemoAppTest : public ::testing::Test {
 protected:
  // No test leaves a child behind, whatever it asserted.
  void TearDown() override {
    for (auto& app : apps_) app->process.kill();
  }

  DemoAppProcess& add_app() { return *apps_.emplace_back(std::make_unique<DemoAppProcess>()); }

  static std::map<std::string, double> metrics_of(TestHttpClient& client) {
    const auto response = client.get("/metrics");
    EXPECT_EQ(response.status, 200);
    return parse_prometheus_text(response.body);
  }

  // Polls /metrics until `count` application requests are in flight.
  static ::testing::AssertionResult wait_in_flight(TestHttpClient& client,
                                                   const std::string& series, double count) {
    const auto deadline = deadline_in(kDeadline);
    while (std::chrono::steady_clock::now() < deadline) {
      if (metrics_of(client)[series] == count) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << series << " never reached " << count;
  }

 private:
  std::vector<std::unique_ptr<DemoAppProcess>> apps_;
};

TEST_F(DemoAppTest, ServesWithItsVersionOnEveryAnswer) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--version", "1.4.2"}));
  TestHttpClient client(app.port);
  for (const char* target : {"/", "/healthz", "/metrics", "/nope"}) {
    const auto response = client.get(target);
    EXPECT_EQ(response.header("X-Version"), "1.4.2") << target;
  }
  const auto root = client.get("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(nlohmann::json::parse(root.body).at("version"), "1.4.2");
  const auto health = client.get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(client.get("/nope").status, 404);
}

struct ErrorRateCase {
  const char* name;
  std::vector<std::string> flags;
  int min_errors;
  int max_errors;
};

class DemoAppErrorRate : public DemoAppTest, public ::testing::WithParamInterface<ErrorRateCase> {};

TEST_P(DemoAppErrorRate, AnswersThatShareWith500) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start(GetParam().flags));
  TestHttpClient client(app.port);
  int errors = 0;
  for (int i = 0; i < 200; ++i) {
    const auto response = client.get("/");
    ASSERT_TRUE(response.status == 200 || response.status == 500) << response.status;
    errors += response.status == 500;
  }
  EXPECT_GE(errors, GetParam().min_errors);
  EXPECT_LE(errors, GetParam().max_errors);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DemoAppErrorRate,
    ::testing::Values(ErrorRateCase{"None", {"--error-rate", "0"}, 0, 0},
                      ErrorRateCase{"All", {"--error-rate", "1"}, 200, 200},
                      ErrorRateCase{
                          "ThirtyPercentSeeded", {"--error-rate", "0.3", "--seed", "42"}, 40, 80}),
    [](const auto& info) { return info.param.name; });

TEST_F(DemoAppTest, ResetRateDropsConnectionsWithoutAnAnswerButNeverTheHealthCheck) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--reset-rate", "0.5", "--seed", "7"}));
  int resets = 0, answers = 0;
  for (int i = 0; i < 100; ++i) {
    TestHttpClient client(app.port);
    try {
      EXPECT_EQ(client.get("/").status, 200);
      ++answers;
    } catch (const boost::system::system_error& e) {
      EXPECT_TRUE(e.code() == boost::asio::error::connection_reset ||
                  e.code() == boost::beast::http::error::end_of_stream ||
                  e.code() == boost::asio::error::eof)
          << e.code().message();
      ++resets;
    }
  }
  EXPECT_GE(resets, 25);
  EXPECT_GE(answers, 25);
  TestHttpClient health(app.port);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(health.get("/healthz").status, 200);
}

TEST_F(DemoAppTest, CartFlow) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({}));
  TestHttpClient client(app.port);
  const auto created = client.request("POST", "/cart", R"({"sku":"A1","qty":2})", kJson);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto cart = nlohmann::json::parse(created.body);
  EXPECT_EQ(cart.at("sku"), "A1");
  EXPECT_EQ(cart.at("qty"), 2);

  const auto read = client.get("/cart/" + cart.at("id").get<std::string>());
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(nlohmann::json::parse(read.body), cart);

  EXPECT_EQ(client.get("/cart/no-such-cart").status, 404);
  EXPECT_EQ(client.request("POST", "/cart", "{not json", kJson).status, 400);
  EXPECT_EQ(client.request("POST", "/cart", R"({"sku":"A1"})", kJson).status, 400);
}

TEST_F(DemoAppTest, MetricsCountWhatWasServedWithTheVersionLabel) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--version", "2.0.0"}));
  TestHttpClient client(app.port);
  for (int i = 0; i < 3; ++i) client.get("/");
  client.request("POST", "/cart", R"({"sku":"B2","qty":1})", kJson);
  client.get("/nope");
  client.get("/healthz");  // neither /healthz nor /metrics is counted
  client.get("/metrics");

  auto m = metrics_of(client);
  EXPECT_EQ(m[R"(demo_http_requests_total{version="2.0.0",code="200"})"], 3);
  EXPECT_EQ(m[R"(demo_http_requests_total{version="2.0.0",code="201"})"], 1);
  EXPECT_EQ(m[R"(demo_http_requests_total{version="2.0.0",code="404"})"], 1);
  EXPECT_EQ(m[R"(demo_http_request_duration_seconds_count{version="2.0.0"})"], 5);
  EXPECT_EQ(m[R"(demo_http_request_duration_seconds_bucket{version="2.0.0",le="+Inf"})"], 5);
  EXPECT_EQ(m[R"(demo_http_requests_in_flight{version="2.0.0"})"], 0);
}

TEST_F(DemoAppTest, AddedLatencyIsObservedAndNeverBlocksTheThread) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--threads", "1", "--latency", "150ms"}));
  TestHttpClient client(app.port);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.get("/").status, 200);
  auto m = metrics_of(client);
  // A timer never fires early: every request took at least the added 150ms.
  EXPECT_EQ(m[R"(demo_http_request_duration_seconds_bucket{version="dev",le="0.1"})"], 0);
  EXPECT_EQ(m[R"(demo_http_request_duration_seconds_count{version="dev"})"], 3);

  DemoAppProcess& slow = add_app();
  ASSERT_TRUE(slow.start({"--threads", "1", "--latency", "1h"}));
  TestHttpClient waiting(slow.port);
  waiting.send("GET", "/");
  // The one I/O thread still answers while that request waits out its hour.
  TestHttpClient other(slow.port);
  EXPECT_TRUE(wait_in_flight(other, R"(demo_http_requests_in_flight{version="dev"})", 1));
  EXPECT_EQ(other.get("/healthz").status, 200);
}

TEST_F(DemoAppTest, SlowStartAnswers503ThenTurnsHealthy) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--slow-start", "1s"}));
  TestHttpClient client(app.port);
  EXPECT_EQ(client.get("/healthz").status, 503);
  EXPECT_EQ(client.get("/").status, 503);
  int status = 0;
  const auto deadline = deadline_in(kDeadline);
  while (status != 200 && std::chrono::steady_clock::now() < deadline)
    status = client.get("/healthz").status;
  EXPECT_EQ(status, 200);
  EXPECT_EQ(client.get("/").status, 200);
}

TEST_F(DemoAppTest, FailReadinessKeepsHealthzAt503WhileServing) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--fail-readiness"}));
  TestHttpClient client(app.port);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.get("/healthz").status, 503);
  EXPECT_EQ(client.get("/").status, 200);
}

TEST_F(DemoAppTest, CrashAfterExitsNonZeroOnItsOwn) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--crash-after", "300ms"}));
  const auto status = app.process.wait_for_exit(deadline_in(kDeadline));
  ASSERT_TRUE(status) << "still running";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
}

class DemoAppStopSignal : public DemoAppTest, public ::testing::WithParamInterface<int> {};

TEST_P(DemoAppStopSignal, FinishesInFlightRequestsThenExitsZero) {
  DemoAppProcess& app = add_app();
  ASSERT_TRUE(app.start({"--latency", "2s", "--version", "3.1.0"}));
  TestHttpClient in_flight(app.port);
  in_flight.send("GET", "/");
  {
    TestHttpClient observer(app.port);
    ASSERT_TRUE(wait_in_flight(observer, R"(demo_http_requests_in_flight{version="3.1.0"})", 1));
  }
  ASSERT_TRUE(app.process.send_signal(GetParam()));

  const auto response = in_flight.read();
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.keep_alive);
  const auto status = app.process.wait_for_exit(deadline_in(kDeadline));
  ASSERT_TRUE(status) << "still running";
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << WTERMSIG(*status);
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

INSTANTIATE_TEST_SUITE_P(Signals, DemoAppStopSignal, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) { return info.param == SIGTERM ? "Term" : "Int"; });

// --exit-with-parent: a shell starts the app and is killed; the app must follow. This test
// process becomes a subreaper for the while, so that the orphaned app is its child to reap.
TEST_F(DemoAppTest, ExitWithParentDiesWithItsParent) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  struct Unset {
    ~Unset() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  } unset;

  ChildProcess shell;
  ASSERT_EQ(
      shell.start({"/bin/sh", "-c", R"("$0" --port 0 --exit-with-parent & echo "pid $!"; wait)",
                   ROLLGUARD_DEMO_APP}),
      "");
  pid_t app_pid = -1;
  bool listening = false;
  for (int i = 0; i < 2; ++i) {
    const auto line = shell.read_line(deadline_in(kDeadline));
    ASSERT_TRUE(line);
    if (line->starts_with("pid ")) app_pid = std::stoi(line->substr(4));
    listening = listening || line->starts_with("listening on ");
  }
  ASSERT_GT(app_pid, 0);
  ASSERT_TRUE(listening);

  shell.kill();
  int status = 0;
  pid_t reaped = 0;
  for (const auto deadline = deadline_in(kDeadline);
       reaped == 0 && std::chrono::steady_clock::now() < deadline;) {
    reaped = ::waitpid(app_pid, &status, WNOHANG);
    if (reaped == 0) std::this_thread::sleep_for(5ms);
  }
  if (reaped == 0) ::kill(app_pid, SIGKILL), ::waitpid(app_pid, &status, 0);
  ASSERT_EQ(reaped, app_pid) << "the app outlived its parent";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace rollguard::testing
