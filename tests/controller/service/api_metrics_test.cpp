// ctest: integration
// /metrics in Prometheus text, and one JSON log line per request.
#include <gtest/gtest.h>

#include "controller/service/log.hpp"
#include "tests/controller/service/api_fixture.hpp"
#include "tests/support/prometheus_text.hpp"

namespace rollguard::testing {
namespace {

class ApiMetricsTest : public ApiFixture {
 protected:
  void SetUp() override { start(); }
  std::map<std::string, double> scrape() {
    const TestResponse r = request_once(port(), "GET", "/metrics", {}, bearer(kViewerToken));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4");
    return parse_prometheus_text(r.body);
  }
};

TEST_F(ApiMetricsTest, RolloutsByPhaseStepsVerdictsAndRollbacks) {
  ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  ASSERT_EQ(put_yaml("payments", manifest_yaml("payments")).status, 201);
  service_.set_split("checkout", TrafficSplit{75, 25, 0}, 2);
  service_.verdict("checkout", "errors", Verdict::Successful);
  service_.verdict("payments", "errors", Verdict::Failed);
  service_.move_to("payments", Phase::RollingBack, "errors over 2%");
  service_.advance(12s);
  service_.move_to("payments", Phase::RolledBack, "known-good serves");

  const auto m = scrape();
  EXPECT_EQ(m.at("rollguard_rollouts{phase=\"Progressing\"}"), 1);
  EXPECT_EQ(m.at("rollguard_rollouts{phase=\"RolledBack\"}"), 1);
  EXPECT_EQ(m.at("rollguard_rollouts{phase=\"Succeeded\"}"), 0);
  EXPECT_EQ(m.at("rollguard_rollout_step{rollout=\"checkout\"}"), 3);  // index 2: step 3
  EXPECT_EQ(m.at("rollguard_rollout_steps{rollout=\"checkout\"}"), 3);
  EXPECT_EQ(m.at("rollguard_rollout_canary_weight{rollout=\"checkout\"}"), 25);
  EXPECT_EQ(m.at("rollguard_analysis_verdicts_total{verdict=\"Successful\"}"), 1);
  EXPECT_EQ(m.at("rollguard_analysis_verdicts_total{verdict=\"Failed\"}"), 1);
  EXPECT_EQ(m.at("rollguard_rollbacks_total"), 1);
  EXPECT_EQ(m.at("rollguard_time_to_restore_seconds_count"), 1);
  EXPECT_EQ(m.at("rollguard_time_to_restore_seconds_sum"), 12);
  EXPECT_EQ(m.at("rollguard_time_to_restore_seconds_bucket{le=\"10\"}"), 0);
  EXPECT_EQ(m.at("rollguard_time_to_restore_seconds_bucket{le=\"30\"}"), 1);
}

TEST(ApiWakeLagTest, TheControllersWakeUpLagIsAHistogramInSeconds) {
  MemoryRolloutService service;
  auto lag = std::make_shared<WakeLag>();
  lag->observe(0ms);
  lag->observe(3ms);
  lag->observe(300ms);
  ApiOptions options;
  options.port = 0;
  options.wake_lag = lag;
  ApiServer server(service, options);
  ASSERT_FALSE(server.start());
  const auto m = parse_prometheus_text(request_once(server.port(), "GET", "/metrics").body);
  server.stop();
  EXPECT_EQ(m.at("rollguard_control_loop_lag_seconds_count"), 3);
  EXPECT_DOUBLE_EQ(m.at("rollguard_control_loop_lag_seconds_sum"), 0.303);
  EXPECT_EQ(m.at("rollguard_control_loop_lag_seconds_bucket{le=\"0.001\"}"), 1);
  EXPECT_EQ(m.at("rollguard_control_loop_lag_seconds_bucket{le=\"0.005\"}"), 2);
  EXPECT_EQ(m.at("rollguard_control_loop_lag_seconds_bucket{le=\"0.5\"}"), 3);
}

TEST_F(ApiMetricsTest, WithoutAControllerThereIsNoWakeUpLag) {
  EXPECT_FALSE(scrape().contains("rollguard_control_loop_lag_seconds_count"));
}

TEST_F(ApiMetricsTest, RequestCountsAndLatencyByRoute) {
  // A request is counted after its response is written: on one connection, each answer comes
  // after the previous request was counted.
  TestHttpClient c(port());
  ASSERT_EQ(c.request("PUT", "/v1/rollouts/checkout", manifest_yaml("checkout"),
                      {{"Content-Type", "application/yaml"},
                       {"Authorization", "Bearer " + kOperatorToken}})
                .status,
            201);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(c.request("GET", "/v1/rollouts/checkout", {}, bearer(kViewerToken)).status, 200);
  EXPECT_EQ(c.request("GET", "/v1/rollouts/nope", {}, bearer(kViewerToken)).status, 404);
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  const auto m = scrape();
  const std::string route = "route=\"/v1/rollouts/{name}\"";
  EXPECT_EQ(m.at("rollguard_api_requests_total{method=\"GET\"," + route + ",code=\"200\"}"), 3);
  EXPECT_EQ(m.at("rollguard_api_requests_total{method=\"GET\"," + route + ",code=\"404\"}"), 1);
  EXPECT_EQ(m.at("rollguard_api_request_duration_seconds_count{method=\"GET\"," + route + "}"), 4);
  EXPECT_EQ(m.at("rollguard_api_request_duration_seconds_bucket{method=\"GET\"," + route +
                 ",le=\"+Inf\"}"),
            4);
  EXPECT_EQ(m.at("rollguard_api_requests_total{method=\"PUT\",route=\"/v1/rollouts/"
                 "{name}\",code=\"201\"}"),
            1);
}

TEST(ApiLogTest, OneJsonLinePerRequest) {
  MemoryRolloutService service;
  ApiTempDir dir;
  ApiOptions options;
  options.port = 0;
  options.tokens_file = dir.file("tokens.csv", kViewerToken + ",vera,viewer\n");
  set_log_json(true);
  ::testing::internal::CaptureStderr();
  std::string captured;
  {
    ApiServer server(service, options);
    ASSERT_FALSE(server.start());
    TestHttpClient c(server.port());
    EXPECT_EQ(c.request("GET", "/v1/rollouts/missing", {}, bearer(kViewerToken)).status, 404);
    EXPECT_EQ(c.request("GET", "/healthz").status, 200);
    server.stop();
  }
  captured = ::testing::internal::GetCapturedStderr();
  std::string line;
  for (std::size_t at = 0, next; at < captured.size(); at = next + 1) {
    next = captured.find('\n', at);
    if (next == std::string::npos) next = captured.size();
    const std::string candidate = captured.substr(at, next - at);
    if (candidate.find("/v1/rollouts/{name}") != std::string::npos) line = candidate;
  }
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_TRUE(j.is_object()) << captured;
  EXPECT_EQ(j["msg"], "request");
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["route"], "/v1/rollouts/{name}");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["actor"], "vera");
  EXPECT_TRUE(j["ms"].is_number());
  EXPECT_TRUE(j["time"].is_string());
}

}  // namespace
}  // namespace rollguard::testing
