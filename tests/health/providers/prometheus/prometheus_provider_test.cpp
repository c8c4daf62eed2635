// ctest: integration slow
// The Prometheus provider against a real Prometheus scraping a target we serve, and against
// servers that fail in the ways a Prometheus can look failed from the outside.
#include "health/providers/prometheus/prometheus_provider.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "health/judges/measurement_judge.hpp"
#include "health/support/prometheus_process.hpp"
#include "health/support/read_sync.hpp"
#include "support/free_port.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using provider_test::PrometheusProcess;
using provider_test::read_sync;
using testing::answering;
using testing::Route;
using testing::TestHttpServer;

const MetricQuery kCanaryV2{"demo", "v2", Role::Canary, 1min};

constexpr const char* kExposition =
    "# TYPE rg_requests_total counter\n"
    "rg_requests_total{version=\"v1\",role=\"stable\"} 100\n"
    "rg_requests_total{version=\"v2\",role=\"canary\"} 7\n"
    "# TYPE rg_ratio gauge\n"
    "rg_ratio{rollout=\"demo\"} 0.25\n";

class RealPrometheus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    target_ = std::make_unique<TestHttpServer>();
    target_->route("/*", answering(200, kExposition, "text/plain; version=0.0.4"));
    prometheus_ = std::make_unique<PrometheusProcess>();
    setup_error_ = prometheus_->start(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n"
        "  - job_name: target\n"
        "    static_configs: [{targets: ['127.0.0.1:" +
        std::to_string(target_->port()) + "']}]\n");
    if (!setup_error_.empty()) return;
    // Poll until both series have been scraped: start-up plus a first scrape, usually ~2 s.
    PrometheusProvider probe({prometheus_->address(), "count(rg_requests_total) == 2", 2s});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      if (prometheus_->exited()) {
        setup_error_ = "Prometheus exited at start-up; its log:\n" + prometheus_->log();
        return;
      }
      const auto r = read_sync(probe, kCanaryV2);
      if (r.answered && r.reading.ok()) return;
      last = r.answered ? r.reading.error : "no answer";
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    setup_error_ =
        "Prometheus had no data after 60 s (last: " + last + ")\nits log:\n" + prometheus_->log();
  }

  static void TearDownTestSuite() {
    prometheus_.reset();  // stops the process even when tests failed
    target_.reset();
  }

  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static inline std::unique_ptr<TestHttpServer> target_;
  static inline std::unique_ptr<PrometheusProcess> prometheus_;
  static inline std::string setup_error_;
};

struct LiveCase {
  const char* name;
  std::string query;
  MetricQuery where;
  std::vector<double> value;  // expected when `error` is empty; NaN compares as NaN
  bool is_list;
  std::string error;  // expected substring of the reason
};

void expect_values(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(got[i])) << i << ": " << got[i];
    else
      EXPECT_DOUBLE_EQ(got[i], want[i]) << i;
  }
}

TEST_F(RealPrometheus, Queries) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<LiveCase> cases{
      {"scalar", "scalar(sum(rg_requests_total))", kCanaryV2, {107}, false, ""},
      {"scalar_literal", "42", kCanaryV2, {42}, false, ""},
      // Sorted by label set: role="canary" before role="stable".
      {"vector_sorted_by_labels", "rg_requests_total", kCanaryV2, {7, 100}, true, ""},
      {"templated_version_and_role",
       R"(rg_requests_total{version="{{version}}",role="{{role}}"})",
       kCanaryV2,
       {7},
       true,
       ""},
      {"templated_stable",
       R"(rg_requests_total{version="{{version}}",role="{{role}}"})",
       {"demo", "v1", Role::Stable, 1min},
       {100},
       true,
       ""},
      {"templated_name", R"(rg_ratio{rollout="{{name}}"})", kCanaryV2, {0.25}, true, ""},
      {"nan", "0/0", kCanaryV2, {NAN}, false, ""},
      {"plus_inf", "1/0", kCanaryV2, {inf}, false, ""},
      {"minus_inf_in_a_vector", "-rg_ratio / 0", kCanaryV2, {-inf}, true, ""},
      {"empty_vector",
       R"(rg_requests_total{version="nope"})",
       kCanaryV2,
       {},
       false,
       "empty vector"},
      {"bad_query", "sum(rg_requests_total", kCanaryV2, {}, false, "HTTP 400: bad_data: "},
      {"range_vector", "rg_requests_total[1m]", kCanaryV2, {}, false, "matrix"},
      {"string_result", R"("hello")", kCanaryV2, {}, false, "string"},
      {"unknown_placeholder",
       "rg_requests_total{x=\"{{build}}\"}",
       kCanaryV2,
       {},
       false,
       "unknown placeholder {{build}}"},
  };
  for (const LiveCase& c : cases) {
    SCOPED_TRACE(c.name);
    PrometheusProvider provider({prometheus_->address(), c.query, 10s});
    const auto r = read_sync(provider, c.where);
    ASSERT_TRUE(r.answered);
    EXPECT_EQ(r.reading.samples, -1);
    if (!c.error.empty()) {
      EXPECT_FALSE(r.reading.ok());
      EXPECT_NE(r.reading.error.find(c.error), std::string::npos) << r.reading.error;
      continue;
    }
    ASSERT_TRUE(r.reading.ok()) << r.reading.error;
    EXPECT_EQ(r.reading.is_list, c.is_list);
    expect_values(r.reading.value, c.value);
  }
}

TEST_F(RealPrometheus, BadQueryCarriesPrometheusOwnMessage) {
  PrometheusProvider provider({prometheus_->address(), "sum(", 10s});
  const auto r = read_sync(provider, kCanaryV2);
  ASSERT_TRUE(r.answered);
  ASSERT_FALSE(r.reading.ok());
  // Prometheus says where the parse failed; that text must reach the reason.
  EXPECT_NE(r.reading.error.find("parse error"), std::string::npos) << r.reading.error;
}

// Issue 21: an unreachable Prometheus read "prometheus: Prometheus: request to ... failed:
// Failed to connect to any resolved endpoint". The measurement names the provider once and
// says what the socket said.
TEST(PrometheusDown, ConnectionRefusedSaysSoAndNamesTheProviderOnce) {
  const unsigned short port = testing::free_port();  // nothing listens there
  const std::string address = "127.0.0.1:" + std::to_string(port);
  PrometheusProvider provider({"http://" + address, "up", 5s});
  const auto r = read_sync(provider, kCanaryV2);
  ASSERT_TRUE(r.answered);
  EXPECT_FALSE(r.reading.ok());
  EXPECT_EQ(r.reading.error,
            "request to " + address + " failed: connection refused or host unreachable");
  EXPECT_TRUE(r.reading.value.empty());

  AnalysisTemplate t;
  t.name = "errors";
  t.metric = PrometheusMetric{"http://" + address, "up", 5s};
  t.successCondition = "result < 1";
  const auto compiled = CompiledTemplate::compile(t);
  ASSERT_TRUE(std::holds_alternative<CompiledTemplate>(compiled));
  const Measurement m =
      judge_measurement(std::get<CompiledTemplate>(compiled), {r.reading, {}, {}, {}, {}}, {});
  EXPECT_EQ(m.verdict, Verdict::Error);
  EXPECT_EQ(m.reason, "prometheus: request to " + address +
                          " failed: connection refused or host unreachable");
}

// A query that matches nothing (no errors yet) is the usual cause: the reason says the fix.
TEST(PrometheusEmpty, EmptyVectorHintsAtOrVector0) {
  TestHttpServer server;
  server.route("/*",
               answering(200, R"({"status":"success","data":{"resultType":"vector","result":[]}})",
                         "application/json"));
  PrometheusProvider provider({server.url(), "sum(rate(errors_total[1m]))", 2s});
  const auto r = read_sync(provider, kCanaryV2);
  ASSERT_TRUE(r.answered);
  EXPECT_EQ(r.reading.error,
            "empty vector: the query matched no series (when none is a valid answer, such as "
            "no errors yet, end the query with `or vector(0)`)");
}

struct FakeCase {
  const char* name;
  Route route;
  std::string error;  // expected substring
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const FakeCase& c, std::ostream* os) {
  *os << c.name;
}

class FakePrometheus : public ::testing::TestWithParam<FakeCase> {};

TEST_P(FakePrometheus, FailuresAreErrorReadingsWithTheReason) {
  const FakeCase& c = GetParam();
  TestHttpServer server;
  server.route("/*", c.route);
  PrometheusProvider provider({server.url() + "/", "up", 500ms});
  const auto r = read_sync(provider, kCanaryV2);
  ASSERT_TRUE(r.answered);
  EXPECT_FALSE(r.reading.ok());
  EXPECT_NE(r.reading.error.find(c.error), std::string::npos) << r.reading.error;
  ASSERT_FALSE(server.requests().empty());
  EXPECT_EQ(server.requests()[0].target, "/api/v1/query?query=up&timeout=500ms");
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FakePrometheus,
    ::testing::Values(
        FakeCase{"http_500_text", answering(500, "internal failure", "text/plain"),
                 "HTTP 500: internal failure"},
        FakeCase{
            "http_503_prometheus_json",
            answering(503, R"({"status":"error","errorType":"unavailable","error":"not ready"})",
                      "application/json"),
            "HTTP 503: unavailable: not ready"},
        FakeCase{"garbage_json", answering(200, "{\"status\": \"succ", "application/json"),
                 "not JSON: {\"status\": \"succ"},
        FakeCase{
            "status_error_with_200",
            answering(200,
                      R"({"status":"error","errorType":"execution","error":"too many samples"})",
                      "application/json"),
            "query failed: execution: too many samples"},
        FakeCase{"no_data", answering(200, R"({"status":"success"})", "application/json"),
                 "without data"},
        FakeCase{
            "empty_vector",
            answering(200, R"({"status":"success","data":{"resultType":"vector","result":[]}})",
                      "application/json"),
            "empty vector"},
        FakeCase{"hangs", testing::hanging(), "timeout after 500ms"}),
    [](const auto& info) { return std::string(info.param.name); });

struct ParseCase {
  const char* name;
  std::string body;
  std::vector<double> value;
  std::string error;
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const ParseCase& c, std::ostream* os) {
  *os << c.name;
}

class PrometheusParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(PrometheusParse, Values) {
  const ParseCase& c = GetParam();
  const MetricReading r = parse_prometheus_response(200, c.body);
  if (!c.error.empty()) {
    EXPECT_NE(r.error.find(c.error), std::string::npos) << r.error;
    return;
  }
  ASSERT_TRUE(r.ok()) << r.error;
  expect_values(r.value, c.value);
}

std::string scalar(const std::string& v) {
  return R"({"status":"success","data":{"resultType":"scalar","result":[1700000000.1,")" + v +
         R"("]}})";
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, PrometheusParse,
    ::testing::Values(
        ParseCase{"decimal", scalar("0.125"), {0.125}, ""},
        ParseCase{"exponent", scalar("1e-3"), {0.001}, ""},
        ParseCase{"nan", scalar("NaN"), {NAN}, ""},
        ParseCase{"plus_inf", scalar("+Inf"), {std::numeric_limits<double>::infinity()}, ""},
        ParseCase{"minus_inf", scalar("-Inf"), {-std::numeric_limits<double>::infinity()}, ""},
        ParseCase{"not_a_number", scalar("twelve"), {}, "bad scalar value"},
        ParseCase{"trailing_junk", scalar("12abc"), {}, "bad scalar value"},
        ParseCase{"empty_value", scalar(""), {}, "bad scalar value"},
        ParseCase{
            "vector_value_not_string",
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})",
            {},
            "bad sample value"},
        ParseCase{"json_array_body", "[1,2]", {}, "not a JSON object: [1,2]"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rollguard
