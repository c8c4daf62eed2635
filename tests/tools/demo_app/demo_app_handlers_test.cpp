// The demo app's answers in-process: routing, validation and the uptime-driven faults, with
// uptime passed in so that no assertion depends on a real clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/prometheus_text.hpp"
#include "tools/demo_app/app.hpp"

namespace rollguard::demo {
namespace {
namespace http = boost::beast::http;
using rollguard::testing::parse_prometheus_text;

Request make_request(http::verb method, std::string target, std::string body = {}) {
  Request request{method, target, 11};
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

// What the server does for one request: admit, (wait), handle.
Response serve(DemoApp& app, const Request& request, Duration uptime = 1h) {
  const Duration delay = app.admit(request);
  return app.handle(request, uptime, delay);
}

DemoOptions with_version(std::string version) {
  DemoOptions options;
  options.version = std::move(version);
  return options;
}

struct RouteCase {
  const char* name;
  http::verb method;
  const char* target;
  std::string body;
  unsigned status;
};

class DemoAppRoutes : public ::testing::TestWithParam<RouteCase> {};

TEST_P(DemoAppRoutes, AnswersWithStatusAndVersion) {
  DemoApp app(with_version("2.0.1"));
  const RouteCase& c = GetParam();
  const Response response = serve(app, make_request(c.method, c.target, c.body));
  EXPECT_EQ(response.result_int(), c.status) << response.body();
  EXPECT_EQ(response["X-Version"], "2.0.1");
}

constexpr auto GET = http::verb::get;
constexpr auto POST = http::verb::post;
constexpr auto DELETE = http::verb::delete_;

INSTANTIATE_TEST_SUITE_P(
    Cases, DemoAppRoutes,
    ::testing::Values(
        RouteCase{"Root", GET, "/", "", 200}, RouteCase{"Healthz", GET, "/healthz", "", 200},
        RouteCase{"Metrics", GET, "/metrics", "", 200},
        RouteCase{"QueryStringIsIgnored", GET, "/healthz?probe=1", "", 200},
        RouteCase{"UnknownPath", GET, "/nope", "", 404}, RouteCase{"PostRoot", POST, "/", "", 405},
        RouteCase{"PostHealthz", POST, "/healthz", "", 405},
        RouteCase{"GetCartCollection", GET, "/cart", "", 405},
        RouteCase{"DeleteCart", DELETE, "/cart/x-1", "", 405},
        RouteCase{"UnknownCart", GET, "/cart/x-1", "", 404},
        RouteCase{"CartEmptyId", GET, "/cart/", "", 404},
        RouteCase{"CartNestedPath", GET, "/cart/a/b", "", 404},
        RouteCase{"ValidCart", POST, "/cart", R"({"sku":"A1","qty":2})", 201},
        RouteCase{"ExtraFieldsIgnored", POST, "/cart", R"({"sku":"A1","qty":1,"x":0})", 201},
        RouteCase{"BadJson", POST, "/cart", "{", 400},
        RouteCase{"EmptyBody", POST, "/cart", "", 400},
        RouteCase{"ArrayBody", POST, "/cart", "[]", 400},
        RouteCase{"MissingSku", POST, "/cart", R"({"qty":1})", 400},
        RouteCase{"EmptySku", POST, "/cart", R"({"sku":"","qty":1})", 400},
        RouteCase{"SkuNotString", POST, "/cart", R"({"sku":7,"qty":1})", 400},
        RouteCase{"SkuTooLong", POST, "/cart",
                  R"({"sku":")" + std::string(129, 'A') + R"(","qty":1})", 400},
        RouteCase{"MissingQty", POST, "/cart", R"({"sku":"A1"})", 400},
        RouteCase{"ZeroQty", POST, "/cart", R"({"sku":"A1","qty":0})", 400},
        RouteCase{"FractionalQty", POST, "/cart", R"({"sku":"A1","qty":1.5})", 400},
        RouteCase{"QtyAsString", POST, "/cart", R"({"sku":"A1","qty":"2"})", 400}),
    [](const auto& info) { return info.param.name; });

TEST(DemoAppCart, CreatedCartIsReadBack) {
  DemoApp app(DemoOptions{});
  const Response created = serve(app, make_request(POST, "/cart", R"({"sku":"A1","qty":3})"));
  ASSERT_EQ(created.result_int(), 201u);
  const auto cart = nlohmann::json::parse(created.body());
  const std::string id = cart.at("id");
  EXPECT_EQ(created[http::field::location], "/cart/" + id);

  const Response read = serve(app, make_request(GET, "/cart/" + id));
  ASSERT_EQ(read.result_int(), 200u);
  EXPECT_EQ(nlohmann::json::parse(read.body()),
            (nlohmann::json{{"id", id}, {"sku", "A1"}, {"qty", 3}}));
}

TEST(DemoAppCart, IdsAreUniqueAcrossInstances) {
  DemoApp first(DemoOptions{});
  DemoApp second(DemoOptions{});
  const auto body = R"({"sku":"A1","qty":1})";
  const auto a = nlohmann::json::parse(serve(first, make_request(POST, "/cart", body)).body());
  const auto b = nlohmann::json::parse(serve(second, make_request(POST, "/cart", body)).body());
  EXPECT_NE(a.at("id"), b.at("id"));
  EXPECT_EQ(serve(second, make_request(GET, "/cart/" + a.at("id").get<std::string>())).result_int(),
            404u);
}

TEST(DemoAppCart, StoreForgetsTheOldestBeyondItsCapacity) {
  CartStore store(2);
  const Cart first = store.add("A", 1);
  const Cart second = store.add("B", 1);
  const Cart third = store.add("C", 1);
  EXPECT_FALSE(store.find(first.id));
  EXPECT_TRUE(store.find(second.id));
  EXPECT_TRUE(store.find(third.id));
  EXPECT_EQ(store.size(), 2u);
}

// Faults that depend on uptime, checked on both sides of each boundary.
struct UptimeCase {
  const char* name;
  DemoOptions options;
  Duration uptime;
  unsigned root_status;
  unsigned healthz_status;
};

DemoOptions slow_start(Duration d) {
  DemoOptions o;
  o.slow_start = d;
  return o;
}
DemoOptions failing_after(Duration d) {
  DemoOptions o;
  o.error_rate = 1.0;
  o.error_after = d;
  return o;
}
DemoOptions failing_readiness() {
  DemoOptions o;
  o.fail_readiness = true;
  return o;
}

class DemoAppUptime : public ::testing::TestWithParam<UptimeCase> {};

TEST_P(DemoAppUptime, Answers) {
  DemoApp app(GetParam().options);
  EXPECT_EQ(serve(app, make_request(GET, "/"), GetParam().uptime).result_int(),
            GetParam().root_status);
  EXPECT_EQ(serve(app, make_request(GET, "/healthz"), GetParam().uptime).result_int(),
            GetParam().healthz_status);
  EXPECT_EQ(serve(app, make_request(GET, "/metrics"), GetParam().uptime).result_int(), 200u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DemoAppUptime,
    ::testing::Values(UptimeCase{"Healthy", DemoOptions{}, 0ms, 200, 200},
                      UptimeCase{"SlowStartBefore", slow_start(1s), 999ms, 503, 503},
                      UptimeCase{"SlowStartAfter", slow_start(1s), 1s, 200, 200},
                      UptimeCase{"ErrorAfterBefore", failing_after(5s), 4999ms, 200, 200},
                      UptimeCase{"ErrorAfterAfter", failing_after(5s), 5s, 500, 200},
                      UptimeCase{"ErrorRateSparesHealthz", failing_after(0s), 0ms, 500, 200},
                      UptimeCase{"FailReadiness", failing_readiness(), 1h, 200, 503}),
    [](const auto& info) { return info.param.name; });

TEST(DemoAppErrors, SameSeedSameSequence) {
  DemoOptions options;
  options.error_rate = 0.5;
  options.seed = 42;
  DemoApp first(options);
  DemoApp second(options);
  std::string a, b;
  for (int i = 0; i < 100; ++i) {
    a += serve(first, make_request(GET, "/")).result_int() == 500 ? 'x' : '.';
    b += serve(second, make_request(GET, "/")).result_int() == 500 ? 'x' : '.';
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(DemoAppLatency, DrawsWithinLatencyPlusJitterForApplicationRequestsOnly) {
  DemoOptions options;
  options.latency = 100ms;
  options.latency_jitter = 50ms;
  options.seed = 7;
  DemoApp app(options);
  Duration lowest = 1h, highest = 0ms;
  for (int i = 0; i < 200; ++i) {
    const Request request = make_request(GET, "/");
    const Duration delay = app.admit(request);
    app.handle(request, 1h, delay);
    lowest = std::min(lowest, delay);
    highest = std::max(highest, delay);
  }
  EXPECT_GE(lowest, 100ms);
  EXPECT_LE(highest, 150ms);
  EXPECT_LT(lowest, highest);
  EXPECT_EQ(app.admit(make_request(GET, "/healthz")), 0ms);
  EXPECT_EQ(app.admit(make_request(GET, "/metrics")), 0ms);
}

TEST(DemoAppMemory, GrowsPerApplicationRequestUpToTheCap) {
  DemoOptions options;
  options.memory_growth = 1000;
  options.memory_cap = 2500;
  DemoApp app(options);
  serve(app, make_request(GET, "/healthz"));
  EXPECT_EQ(app.retained_bytes(), 0u);
  serve(app, make_request(GET, "/"));
  EXPECT_EQ(app.retained_bytes(), 1000u);
  for (int i = 0; i < 5; ++i) serve(app, make_request(GET, "/nope"));
  EXPECT_EQ(app.retained_bytes(), 2500u);
  const auto metrics = parse_prometheus_text(serve(app, make_request(GET, "/metrics")).body());
  EXPECT_EQ(metrics.at(R"(demo_retained_bytes{version="dev"})"), 2500);
}

TEST(DemoAppMetrics, CountsApplicationRequestsByCodeWithTheVersionLabel) {
  DemoApp app(with_version("1.5.0"));
  const auto answer = [&](const Request& request, Duration elapsed) {
    app.admit(request);
    app.handle(request, 1h, elapsed);
  };
  answer(make_request(GET, "/"), 3ms);
  answer(make_request(GET, "/"), 40ms);
  answer(make_request(GET, "/nope"), 2s);
  answer(make_request(GET, "/healthz"), 0ms);
  app.admit(make_request(GET, "/"));  // arrived, not yet answered
  answer(make_request(GET, "/metrics"), 0ms);

  const auto m = parse_prometheus_text(serve(app, make_request(GET, "/metrics")).body());
  EXPECT_EQ(m.at(R"(demo_http_requests_total{version="1.5.0",code="200"})"), 2);
  EXPECT_EQ(m.at(R"(demo_http_requests_total{version="1.5.0",code="404"})"), 1);
  EXPECT_EQ(m.count(R"(demo_http_requests_total{version="1.5.0",code="503"})"), 0u);
  EXPECT_EQ(m.at(R"(demo_http_request_duration_seconds_bucket{version="1.5.0",le="0.005"})"), 1);
  EXPECT_EQ(m.at(R"(demo_http_request_duration_seconds_bucket{version="1.5.0",le="0.05"})"), 2);
  EXPECT_EQ(m.at(R"(demo_http_request_duration_seconds_bucket{version="1.5.0",le="1"})"), 2);
  EXPECT_EQ(m.at(R"(demo_http_request_duration_seconds_bucket{version="1.5.0",le="2.5"})"), 3);
  EXPECT_EQ(m.at(R"(demo_http_request_duration_seconds_bucket{version="1.5.0",le="+Inf"})"), 3);
  EXPECT_EQ(m.at(R"(demo_http_request_duration_seconds_count{version="1.5.0"})"), 3);
  EXPECT_DOUBLE_EQ(m.at(R"(demo_http_request_duration_seconds_sum{version="1.5.0"})"), 2.043);
  EXPECT_EQ(m.at(R"(demo_http_requests_in_flight{version="1.5.0"})"), 1);
}

TEST(DemoAppMetrics, EscapesTheVersionLabel) {
  DemoApp app(with_version("a\"b\\c\nd"));
  const std::string text = serve(app, make_request(GET, "/metrics")).body();
  EXPECT_NE(text.find(R"(demo_retained_bytes{version="a\"b\\c\nd"} 0)"), std::string::npos) << text;
}

}  // namespace
}  // namespace rollguard::demo
