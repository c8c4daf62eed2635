// ctest: integration
// Requests the API must refuse, each with the status and error body of docs/api.md.
#include <gtest/gtest.h>

#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

struct BadCase {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  std::string content_type;
  int status;
  std::string code;
  std::string path;  // expected error.path; empty: not checked
  int line;          // expected error.line; 0: not checked
};

std::string with_unknown_key() {
  std::string yaml = manifest_yaml("checkout");
  return yaml.replace(yaml.find("        - setWeight: 50"), 23, "        - setWeigth: 50");
}

const std::vector<BadCase> kCases = {
    {"MalformedJson", "PUT", "/v1/rollouts/checkout",
     "{\"apiVersion\": \"rollguard.dev/v1\",\n  \"metadata\": {\"name\": }}", "application/json",
     400, "MalformedBody", "", 2},
    {"MalformedYaml", "PUT", "/v1/rollouts/checkout", "metadata:\n  name: [checkout\nspec: {}\n",
     "application/yaml", 400, "MalformedBody", "", 0},
    {"UnknownKey", "PUT", "/v1/rollouts/checkout", with_unknown_key(), "application/yaml", 422,
     "InvalidManifest", "spec.strategy.canary.steps[2]", 15},
    {"NameMismatch", "PUT", "/v1/rollouts/payments", manifest_yaml("checkout"), "application/yaml",
     422, "NameMismatch", "metadata.name", 0},
    {"EmptyBody", "PUT", "/v1/rollouts/checkout", "", "application/yaml", 400, "MalformedBody", "",
     0},
    {"UnsupportedMediaType", "PUT", "/v1/rollouts/checkout", "<xml/>", "application/xml", 415,
     "UnsupportedMediaType", "", 0},
    // A manifest is JSON or YAML; docs/api.md: "anything else is 415".
    {"PlainTextMediaType", "PUT", "/v1/rollouts/checkout", manifest_yaml("checkout"), "text/plain",
     415, "UnsupportedMediaType", "", 0},
    {"OctetStreamMediaType", "PUT", "/v1/rollouts/checkout", manifest_yaml("checkout"),
     "application/octet-stream", 415, "UnsupportedMediaType", "", 0},
    {"YamlWithCharsetIsYaml", "PUT", "/v1/rollouts/checkout", with_unknown_key(),
     "Application/YAML; charset=utf-8", 422, "InvalidManifest", "spec.strategy.canary.steps[2]",
     15},
    {"UnknownRollout", "GET", "/v1/rollouts/nope", "", "", 404, "NotFound", "", 0},
    {"UnknownRolloutEvents", "GET", "/v1/rollouts/nope/events", "", "", 404, "NotFound", "", 0},
    {"UnknownRolloutAction", "POST", "/v1/rollouts/nope/promote", "", "", 404, "NotFound", "", 0},
    {"UnknownRolloutDelete", "DELETE", "/v1/rollouts/nope", "", "", 404, "NotFound", "", 0},
    {"ConflictingAction", "POST", "/v1/rollouts/checkout/resume", "", "", 409, "Conflict", "", 0},
    {"UnknownRoute", "GET", "/v2/things", "", "", 404, "NotFound", "", 0},
    {"WrongMethod", "PATCH", "/v1/rollouts/checkout", "", "", 405, "MethodNotAllowed", "", 0},
    {"InvalidName", "GET", "/v1/rollouts/Check_Out", "", "", 400, "InvalidName", "", 0},
    {"Traversal", "GET", "/v1/rollouts/..%2f..%2fetc", "", "", 400, "InvalidPath", "", 0},
    {"DotSegment", "GET", "/v1/rollouts/../rollouts", "", "", 400, "InvalidPath", "", 0},
    {"ControlCharacter", "GET", "/v1/rollouts/a%00b", "", "", 400, "InvalidPath", "", 0},
    {"BadAfter", "GET", "/v1/rollouts/checkout/events?after=x", "", "", 400, "InvalidQuery", "", 0},
};

class ApiBadInputTest : public ApiFixture, public ::testing::WithParamInterface<BadCase> {
 protected:
  void SetUp() override {
    start();
    ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  }
};

TEST_P(ApiBadInputTest, IsRefusedWithTheErrorShape) {
  const BadCase& c = GetParam();
  std::map<std::string, std::string> headers;
  if (!c.content_type.empty()) headers["Content-Type"] = c.content_type;
  const TestResponse r = as_operator(c.method, c.target, c.body, headers);
  EXPECT_EQ(r.status, c.status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto error = r.json()["error"];
  ASSERT_TRUE(error.is_object()) << r.body;
  EXPECT_EQ(error["code"], c.code) << r.body;
  EXPECT_FALSE(error.value("message", "").empty());
  if (!c.path.empty()) {
    EXPECT_EQ(error.value("path", "").rfind(c.path, 0), 0u) << r.body;
  }
  if (c.line > 0) {
    EXPECT_EQ(error.value("line", 0), c.line) << r.body;
    EXPECT_GT(error.value("column", 0), 0) << r.body;
  }
  // Nothing changed.
  EXPECT_EQ(service_.list().size(), 1u);
  EXPECT_EQ(service_.get("checkout")->state.phase, Phase::Progressing);
}

INSTANTIATE_TEST_SUITE_P(Cases, ApiBadInputTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

TEST_F(ApiFixture, MalformedYamlGivesItsLine) {
  start();
  const TestResponse r =
      put_yaml("checkout", "metadata:\n  name: checkout\n  labels: {a: 1\nspec:\n");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_GT(r.json()["error"].value("line", 0), 0) << r.body;
}

TEST_F(ApiFixture, OversizedBodyIs413BeforeItIsRead) {
  ApiOptions options = default_options();
  options.body_limit = 4096;
  start(options);
  const std::string big = manifest_yaml("checkout") + "# " + std::string(8192, 'x') + "\n";
  const TestResponse r = put_yaml("checkout", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["error"]["code"], "PayloadTooLarge");
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(service_.list().empty());
}

TEST_F(ApiFixture, OversizedChunkedBodyIs413) {
  ApiOptions options = default_options();
  options.body_limit = 1024;
  start(options);
  TestHttpClient c(port());
  std::string chunk(2000, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  c.write_raw("PUT /v1/rollouts/checkout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
              kOperatorToken +
              "\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n" + size +
              "\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(c.read().status, 413);
}

TEST_F(ApiFixture, HeaderTimeoutClosesASlowClient) {
  ApiOptions options = default_options();
  options.header_timeout = 200ms;
  options.idle_timeout = 600s;  // so that only the header timeout can close it
  start(options);
  TestHttpClient c(port(), std::chrono::seconds(30));
  c.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ApiFixture, IdleKeptAliveConnectionStaysUntilIdleTimeout) {
  ApiOptions options = default_options();
  options.idle_timeout = 200ms;
  start(options);
  TestHttpClient c(port(), std::chrono::seconds(30));
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);  // kept alive
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ApiFixture, ReadyzIs503UntilTheServiceIsReady) {
  service_.set_ready(false);
  start();
  EXPECT_EQ(request_once(port(), "GET", "/readyz").status, 503);
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(as_operator("GET", "/v1/rollouts").status, 503);
  service_.set_ready(true);
  EXPECT_EQ(request_once(port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(as_operator("GET", "/v1/rollouts").status, 200);
}

}  // namespace
}  // namespace rollguard::testing
