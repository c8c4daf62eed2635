// ctest: integration
#include "health/synthetic/synthetic.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "tests/health/run_until.hpp"
#include "tests/support/test_http_server.hpp"

namespace rollguard {
namespace {

using nlohmann::json;
using testing::Behaviour;
using testing::Route;
using testing::ServerReply;
using testing::ServerRequest;
using testing::TestHttpServer;

const std::string kCart = R"({"id":"1f3a","items":[{"qty":1,"sku":"A1"}]})";

// A tiny shop: POST /cart makes cart 1f3a from {"sku", "qty"}; GET /cart/1f3a shows it.
void serve_shop(TestHttpServer& server) {
  Route create;
  create.handler = [](const ServerRequest& req) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("sku"))
      return ServerReply{400, R"({"error":"sku required"})", {}};
    json cart = {{"id", "1f3a"}, {"items", json::array({{{"sku", body["sku"]}, {"qty", 1}}})}};
    return ServerReply{201, cart.dump(), {{"Content-Type", "application/json"}}};
  };
  server.route("/cart", create);
  Route show;
  show.handler = [](const ServerRequest& req) {
    if (req.target == "/cart/1f3a") return ServerReply{200, kCart, {}};
    return ServerReply{404, R"({"error":"no such cart"})", {}};
  };
  server.route("/cart/*", show);
  server.answer("/text", 200, "plain text");
  Route slow;
  slow.behaviour = Behaviour::Slow;
  slow.delay = 60s;
  server.route("/slow", slow);
}

SyntheticStepSpec step(std::string method, std::string path) {
  SyntheticStepSpec s;
  s.request.method = std::move(method);
  s.request.path = std::move(path);
  return s;
}

SyntheticStepSpec post_cart(json body) {
  SyntheticStepSpec s = step("POST", "/cart");
  s.request.json = std::move(body);
  return s;
}

JsonPathExpectation exists() {
  return {JsonPathExpectation::Kind::Exists, {}};
}
JsonPathExpectation absent() {
  return {JsonPathExpectation::Kind::Absent, {}};
}
JsonPathExpectation equals(json v) {
  return {JsonPathExpectation::Kind::Equals, std::move(v)};
}

// Every clock reading is 7ms after the previous one: each request takes exactly 7ms.
HttpClientOptions ticking_clock() {
  HttpClientOptions opt;
  auto t = std::make_shared<std::chrono::steady_clock::time_point>();
  opt.now = [t] {
    auto now = *t;
    *t += 7ms;
    return now;
  };
  return opt;
}

SyntheticResult run(TestHttpServer& server, SyntheticSpec spec, StringMap headers = {}) {
  boost::asio::io_context io;
  HttpClient client(io.get_executor(), ticking_clock());
  return testing::run_until_done<SyntheticResult>(
      io, [&](std::function<void(SyntheticResult)> done) {
        run_synthetic(client, spec, {server.endpoint(), std::move(headers), {}}, std::move(done));
      });
}

TEST(Synthetic, CartFlowWithCaptureThroughThePreviewRoute) {
  TestHttpServer server;
  serve_shop(server);
  SyntheticSpec spec;
  auto create = post_cart({{"sku", "A1"}, {"qty", 1}});
  create.expect.status = 201;
  create.expect.jsonPath["$.id"] = exists();
  create.expect.latencyBelow = 300ms;
  create.capture["cartId"] = "$.id";
  auto show = step("GET", "/cart/{{cartId}}");
  show.expect.status = 200;
  show.expect.bodyContains = "A1";
  spec.steps = {create, show};

  SyntheticResult r = run(server, spec, {{"X-Rollguard-Preview", "1"}});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.latencies, (std::vector<Duration>{7ms, 7ms}));
  EXPECT_EQ(r.vars["cartId"], "1f3a");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(json::parse(seen[0].body), (json{{"sku", "A1"}, {"qty", 1}}));
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[1].target, "/cart/1f3a");
  for (auto& req : seen) EXPECT_EQ(req.headers["x-rollguard-preview"], "1");
}

struct SyntheticFailureCase {
  std::string name;
  std::vector<SyntheticStepSpec> steps;
  std::string reason;
  Duration timeout = 2s;
};

void PrintTo(const SyntheticFailureCase& c, std::ostream* os) {
  *os << c.name;
}

class SyntheticFailure : public ::testing::TestWithParam<SyntheticFailureCase> {};

TEST_P(SyntheticFailure, ReasonNamesStepExpectationAndAnswer) {
  TestHttpServer server;
  serve_shop(server);
  SyntheticSpec spec;
  spec.steps = GetParam().steps;
  spec.timeout = GetParam().timeout;
  SyntheticResult r = run(server, spec);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, GetParam().reason);
}

SyntheticStepSpec with(SyntheticStepSpec s, const std::function<void(SyntheticStepSpec&)>& f) {
  f(s);
  return s;
}

const auto kCaptureId = [](SyntheticStepSpec& s) { s.capture["cartId"] = "$.id"; };

std::vector<SyntheticFailureCase> failure_cases() {
  return {
      {"WrongStatusAfterCapture",
       {with(post_cart({{"sku", "A1"}}), kCaptureId),
        with(step("GET", "/cart/{{cartId}}0"), [](auto& s) { s.expect.status = 200; })},
       "step 2 GET /cart/1f3a0: expected status 200, got 404"},
      {"JsonPathMissing",
       {with(post_cart({{"qty", 1}}), [](auto& s) { s.expect.jsonPath["$.id"] = exists(); })},
       R"(step 1 POST /cart: expected $.id to exist in {"error":"sku required"})"},
      {"JsonPathNotEqual",
       {with(step("GET", "/cart/1f3a"),
             [](auto& s) { s.expect.jsonPath["$.items[0].qty"] = equals(2); })},
       "step 1 GET /cart/1f3a: expected $.items[0].qty to equal 2, got 1"},
      {"WildcardEqualsComparesTheList",
       {with(step("GET", "/cart/1f3a"),
             [](auto& s) { s.expect.jsonPath["$.items[*].sku"] = equals(json{"B2"}); })},
       R"(step 1 GET /cart/1f3a: expected $.items[*].sku to equal ["B2"], got ["A1"])"},
      {"EqualsButMissing",
       {with(step("GET", "/cart/1f3a"),
             [](auto& s) { s.expect.jsonPath["$.total"] = equals(3.5); })},
       "step 1 GET /cart/1f3a: expected $.total to equal 3.5, but it is missing in " + kCart},
      {"AbsentButFound",
       {with(step("GET", "/cart/1f3a"), [](auto& s) { s.expect.jsonPath["$.id"] = absent(); })},
       R"(step 1 GET /cart/1f3a: expected $.id to be absent, found "1f3a")"},
      {"BodyDoesNotContain",
       {with(step("GET", "/cart/1f3a"), [](auto& s) { s.expect.bodyContains = "B2"; })},
       R"(step 1 GET /cart/1f3a: expected body to contain "B2", got )" + kCart},
      {"BodyNotJson",
       {with(step("GET", "/text"), [](auto& s) { s.expect.jsonPath["$.x"] = exists(); })},
       "step 1 GET /text: expected $.x in a JSON body, got plain text"},
      {"TooSlowForLatencyBelow",
       {with(step("GET", "/cart/1f3a"), [](auto& s) { s.expect.latencyBelow = 7ms; })},
       "step 1 GET /cart/1f3a: expected latency below 7ms, took 7ms"},
      {"TimedOut", {step("GET", "/slow")}, "step 1 GET /slow: timed out after 200ms", 200ms},
      {"CaptureNotFound",
       {with(step("GET", "/cart/1f3a"), [](auto& s) { s.capture["user"] = "$.user.id"; })},
       "step 1 GET /cart/1f3a: capture user: $.user.id not found in " + kCart},
      {"CapturedValueIsEncodedInThePath",
       {with(post_cart({{"sku", "A 1?"}}), [](auto& s) { s.capture["sku"] = "$.items[0].sku"; }),
        with(step("GET", "/cart/{{sku}}"), [](auto& s) { s.expect.status = 200; })},
       "step 2 GET /cart/A%201%3F: expected status 200, got 404"},
      {"CapturesFillJsonBodies",
       {with(post_cart({{"sku", "A1"}}), kCaptureId),
        with(post_cart({{"sku", "{{cartId}}"}}),
             [](auto& s) { s.expect.jsonPath["$.items[0].sku"] = equals("A1"); })},
       R"(step 2 POST /cart: expected $.items[0].sku to equal "A1", got "1f3a")"},
      {"InvalidPath",
       {with(step("GET", "/cart/1f3a"), [](auto& s) { s.expect.jsonPath["$..id"] = exists(); })},
       "step 1 GET /cart/1f3a: invalid JSONPath \"$..id\" at column 2: recursive descent \"..\" "
       "is not supported by rollguard's JSONPath subset"},
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, SyntheticFailure, ::testing::ValuesIn(failure_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(Synthetic, ConnectionRefusedNamesTheStep) {
  std::string endpoint;
  {
    TestHttpServer gone;
    endpoint = gone.endpoint();
  }
  boost::asio::io_context io;
  HttpClient client(io.get_executor());
  SyntheticSpec spec;
  spec.steps = {step("GET", "/")};
  auto r = testing::run_until_done<SyntheticResult>(io, [&](auto done) {
    run_synthetic(client, spec, {endpoint, {}, {}}, std::move(done));
  });
  EXPECT_EQ(r.reason, "step 1 GET /: connection refused");
  EXPECT_TRUE(r.latencies.empty());
}

TEST(Synthetic, NoStepsIsNeverASuccess) {
  boost::asio::io_context io;
  HttpClient client(io.get_executor());
  auto r = testing::run_until_done<SyntheticResult>(io, [&](auto done) {
    run_synthetic(client, SyntheticSpec{}, {"127.0.0.1:1", {}, {}}, std::move(done));
  });
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "synthetic transaction has no steps");
}

TEST(Synthetic, EffectiveTarget) {
  SyntheticSpec spec;
  EXPECT_EQ(effective_target(spec, true), SyntheticTarget::Preview);
  EXPECT_EQ(effective_target(spec, false), SyntheticTarget::Canary);
  spec.target = SyntheticTarget::Baseline;
  EXPECT_EQ(effective_target(spec, true), SyntheticTarget::Baseline);
}

}  // namespace
}  // namespace rollguard
