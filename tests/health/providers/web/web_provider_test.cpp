// ctest: integration
// The web provider against a real local HTTP server.
#include "health/providers/web/web_provider.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include <cmath>
#include <cstdlib>

#include "health/support/read_sync.hpp"
#include "support/free_port.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using provider_test::read_sync;
using testing::Route;
using testing::ServerReply;
using testing::ServerRequest;
using testing::TestHttpServer;

constexpr const char* kTokenVariable = "ROLLGUARD_WEB_TEST_TOKEN";
constexpr const char* kToken = "tok-5f0c1e-very-secret";
const MetricQuery kQuery{"checkout", "v2", Role::Canary, 1min};

constexpr const char* kDocument = R"({
  "error_rate": 0.012,
  "latency": {"p99": 250},
  "pods": [{"rps": 10}, {"rps": "20.5"}],
  "flag": true,
  "label": "high",
  "nan": "NaN",
  "inf": "+Inf"
})";

struct PathCase {
  const char* name;
  std::string path;
  std::vector<double> value;
  bool is_list;
  std::string error;  // expected substring
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const PathCase& c, std::ostream* os) {
  *os << c.name;
}

// Every path answers the document.
std::unique_ptr<TestHttpServer> document_server() {
  auto server = std::make_unique<TestHttpServer>();
  server->route("/*", testing::answering(200, kDocument, "application/json"));
  return server;
}

class WebPaths : public ::testing::TestWithParam<PathCase> {
 protected:
  static void SetUpTestSuite() { server_ = document_server(); }
  static void TearDownTestSuite() { server_.reset(); }
  static inline std::unique_ptr<TestHttpServer> server_;
};

TEST_P(WebPaths, ExtractsNumbers) {
  const PathCase& c = GetParam();
  WebProvider provider({server_->url() + "/metrics.json", c.path, {}, 5s});
  const auto r = read_sync(provider, kQuery);
  ASSERT_TRUE(r.answered);
  EXPECT_EQ(r.reading.samples, -1);
  if (!c.error.empty()) {
    EXPECT_FALSE(r.reading.ok());
    EXPECT_NE(r.reading.error.find(c.error), std::string::npos) << r.reading.error;
    return;
  }
  ASSERT_TRUE(r.reading.ok()) << r.reading.error;
  EXPECT_EQ(r.reading.is_list, c.is_list);
  ASSERT_EQ(r.reading.value.size(), c.value.size());
  for (std::size_t i = 0; i < c.value.size(); ++i) {
    if (std::isnan(c.value[i]))
      EXPECT_TRUE(std::isnan(r.reading.value[i]));
    else
      EXPECT_DOUBLE_EQ(r.reading.value[i], c.value[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Paths, WebPaths,
    ::testing::Values(
        PathCase{"number", "$.error_rate", {0.012}, false, ""},
        PathCase{"nested", "$.latency.p99", {250}, false, ""},
        PathCase{"wildcard_list_with_numeric_string", "$.pods[*].rps", {10, 20.5}, true, ""},
        PathCase{"index", "$.pods[0].rps", {10}, false, ""},
        PathCase{"nan_string", "$.nan", {NAN}, false, ""},
        PathCase{"inf_string", "$.inf", {std::numeric_limits<double>::infinity()}, false, ""},
        PathCase{"boolean_is_not_a_number", "$.flag", {}, false, "is a JSON boolean, not a number"},
        PathCase{"text_is_not_a_number", "$.label", {}, false, "non-numeric string"},
        PathCase{"array_is_not_a_number", "$.pods", {}, false, "is a JSON array"},
        PathCase{"no_match", "$.missing", {}, false, "jsonPath $.missing matched nothing"},
        PathCase{"wildcard_no_match", "$.latency[*].x", {}, false, "matched nothing"},
        PathCase{"unsupported_path", "$..rps", {}, false, "jsonPath $..rps: column 2"}),
    [](const auto& info) { return std::string(info.param.name); });

class WebSecrets : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ::setenv(kTokenVariable, kToken, 1); }
  static void TearDownTestSuite() { ::unsetenv(kTokenVariable); }

  static WebMetric metric(const std::string& url) {
    return WebMetric{url,
                     "$.error_rate",
                     {{"Authorization", std::string("Bearer {{secret:") + kTokenVariable + "}}"},
                      {"X-Rollout", "{{name}}/{{role}}"}},
                     500ms};
  }
};

TEST_F(WebSecrets, HeadersCarryTheSecretAndTemplates) {
  const auto server = document_server();
  WebProvider provider(metric(server->url() + "/m/{{name}}/{{version}}.json"));
  const auto r = read_sync(provider, kQuery);
  ASSERT_TRUE(r.answered);
  ASSERT_TRUE(r.reading.ok()) << r.reading.error;
  EXPECT_DOUBLE_EQ(r.reading.value.at(0), 0.012);
  const auto seen = server->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/m/checkout/v2.json");
  EXPECT_EQ(seen[0].headers.at("authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(seen[0].headers.at("x-rollout"), "checkout/canary");
}

struct LeakCase {
  const char* name;
  // The server echoes what it was sent, the way a proxy's error page may.
  Route respond;
  std::string error;  // expected substring
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const LeakCase& c, std::ostream* os) {
  *os << c.name;
}

class WebFailuresKeepSecrets : public WebSecrets, public ::testing::WithParamInterface<LeakCase> {};

TEST_P(WebFailuresKeepSecrets, ReasonNeverHoldsTheToken) {
  TestHttpServer server;
  server.route("/*", GetParam().respond);
  WebProvider provider(metric(server.url() + "/metrics.json"));
  const auto r = read_sync(provider, kQuery);
  ASSERT_TRUE(r.answered);
  ASSERT_FALSE(r.reading.ok());
  EXPECT_NE(r.reading.error.find(GetParam().error), std::string::npos) << r.reading.error;
  EXPECT_EQ(r.reading.error.find(kToken), std::string::npos) << r.reading.error;
  ASSERT_FALSE(server.requests().empty());
  EXPECT_EQ(server.requests()[0].headers.at("authorization"), std::string("Bearer ") + kToken);
}

Route echo(int status) {
  Route r;
  r.handler = [status](const ServerRequest& seen) {
    return ServerReply{
        status, "denied for " + seen.headers.at("authorization"), {{"Content-Type", "text/plain"}}};
  };
  return r;
}

Route echo_in_json() {
  Route r;
  r.handler = [](const ServerRequest& seen) {
    return ServerReply{200,
                       R"({"error_rate": ")" + seen.headers.at("authorization") + "\"}",
                       {{"Content-Type", "application/json"}}};
  };
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Failures, WebFailuresKeepSecrets,
    ::testing::Values(LeakCase{"unauthorized_echo", echo(401), "HTTP 401 from http://127.0.0.1:"},
                      LeakCase{"server_error_echo", echo(500), "denied for Bearer ***"},
                      LeakCase{"bad_json_echo", echo(200), "bad JSON from"},
                      LeakCase{"json_string_echo", echo_in_json(), "non-numeric string"},
                      LeakCase{"hangs", testing::hanging(), "timeout after 500ms"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(WebSecrets, MissingVariableIsNamedAndNothingIsSent) {
  const auto server = document_server();
  WebMetric m = metric(server->url() + "/metrics.json");
  m.headers["X-Other"] = "{{secret:ROLLGUARD_WEB_TEST_UNSET}}";
  ::unsetenv("ROLLGUARD_WEB_TEST_UNSET");
  WebProvider provider(m);
  const auto r = read_sync(provider, kQuery);
  ASSERT_TRUE(r.answered);
  ASSERT_FALSE(r.reading.ok());
  EXPECT_NE(r.reading.error.find("header X-Other: environment variable ROLLGUARD_WEB_TEST_UNSET"),
            std::string::npos)
      << r.reading.error;
  EXPECT_TRUE(server->requests().empty());
}

TEST_F(WebSecrets, SecretsAreRefusedOutsideHeaders) {
  WebProvider provider(
      {std::string("http://127.0.0.1:1/?t={{secret:") + kTokenVariable + "}}", "$", {}, 1s});
  const auto r = read_sync(provider, kQuery);
  ASSERT_TRUE(r.answered);
  EXPECT_NE(r.reading.error.find("only allowed in headers"), std::string::npos) << r.reading.error;
  EXPECT_EQ(r.reading.error.find(kToken), std::string::npos);
}

TEST(WebProvider, ConnectionRefusedIsAnError) {
  const unsigned short port = testing::free_port();
  WebProvider provider({"http://127.0.0.1:" + std::to_string(port) + "/m.json", "$.x", {}, 5s});
  const auto r = read_sync(provider, kQuery);
  ASSERT_TRUE(r.answered);
  EXPECT_FALSE(r.reading.ok());
  EXPECT_NE(r.reading.error.find("web metric: request to 127.0.0.1:"), std::string::npos)
      << r.reading.error;
}

}  // namespace
}  // namespace rollguard
