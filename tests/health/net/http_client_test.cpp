// ctest: integration
#include "health/net/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <future>

#include "tests/support/test_http_server.hpp"

namespace rollguard {
namespace {

using testing::Behaviour;
using testing::Route;
using testing::TestHttpServer;

// Runs requests to completion on a private io_context on this thread.
std::vector<HttpResponse> run_all(std::vector<HttpRequest> requests, HttpClientOptions opt = {}) {
  boost::asio::io_context io;
  HttpClient client(io.get_executor(), opt);
  std::vector<HttpResponse> out(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i)
    client.request(requests[i], [&out, i](HttpResponse r) { out[i] = std::move(r); });
  io.run();
  return out;
}

HttpResponse run_one(HttpRequest request, HttpClientOptions opt = {}) {
  return run_all({std::move(request)}, std::move(opt))[0];
}

struct FailureCase {
  std::string name;
  Route route;
  std::string error;
};

class HttpClientFailure : public ::testing::TestWithParam<FailureCase> {};

TEST_P(HttpClientFailure, ReportsTheFailureAsData) {
  TestHttpServer server;
  server.route("/x", GetParam().route);
  HttpRequest req{server.endpoint(), "GET", "/x", {}, {}, 200ms};
  HttpResponse r = run_one(req);
  EXPECT_EQ(r.error, GetParam().error);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.ok());
}

Route late_peer(Behaviour b, Duration delay = {}) {
  Route r;
  r.behaviour = b;
  r.reply = {200, "late", {}};
  r.delay = delay;
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpClientFailure,
    ::testing::Values(FailureCase{"Hang", late_peer(Behaviour::Hang), "timed out after 200ms"},
                      FailureCase{"Slow", late_peer(Behaviour::Slow, 30s), "timed out after 200ms"},
                      FailureCase{"Reset", late_peer(Behaviour::Reset), "connection reset by peer"},
                      FailureCase{"Garbage", late_peer(Behaviour::Garbage),
                                  "malformed response: bad version"}),
    [](const auto& info) { return info.param.name; });

TEST(HttpClient, AnswersWithStatusHeadersAndBody) {
  TestHttpServer server;
  Route r;
  r.reply = {201, "created", {{"X-Thing", "7"}}};
  server.route("/a", r);
  HttpResponse resp = run_one({server.endpoint(), "POST", "/a?q=1", {{"X-Req", "yes"}}, "{}", 1s});
  ASSERT_TRUE(resp.ok()) << resp.error;
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, "created");
  EXPECT_EQ(resp.headers["x-thing"], "7");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/a?q=1");
  EXPECT_EQ(seen[0].body, "{}");
  EXPECT_EQ(seen[0].headers["x-req"], "yes");
  EXPECT_EQ(seen[0].headers["host"], server.endpoint());
}

TEST(HttpClient, ConnectionRefused) {
  std::uint16_t port;
  {
    TestHttpServer closed;
    port = closed.port();
  }
  HttpResponse r = run_one({"127.0.0.1:" + std::to_string(port), "GET", "/", {}, {}, 1s});
  EXPECT_EQ(r.error, "connection refused");
}

TEST(HttpClient, InvalidEndpoint) {
  HttpResponse r = run_one({"nohostport", "GET", "/", {}, {}, 1s});
  EXPECT_EQ(r.error, "invalid endpoint \"nohostport\" (expected host:port)");
}

struct InvalidCase {
  std::string name;
  HttpRequest request;
  std::string error;
};

class HttpClientInvalid : public ::testing::TestWithParam<InvalidCase> {};

// Nothing reaches the wire: the server sees no request at all.
TEST_P(HttpClientInvalid, RefusesToSend) {
  TestHttpServer server;
  HttpRequest req = GetParam().request;
  req.endpoint = server.endpoint();
  EXPECT_EQ(run_one(req).error, GetParam().error);
  EXPECT_EQ(server.requests_received(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpClientInvalid,
    ::testing::Values(
        InvalidCase{
            "MethodWithSpace", {"", "GET /x", "/", {}, {}, 1s}, "invalid HTTP method \"GET /x\""},
        InvalidCase{
            "TargetWithSpace", {"", "GET", "/a b", {}, {}, 1s}, "invalid request target \"/a b\""},
        InvalidCase{"EmptyTarget", {"", "GET", "", {}, {}, 1s}, "invalid request target \"\""},
        InvalidCase{"HeaderValueWithLineBreak",
                    {"", "GET", "/", {{"X-Id", "1\r\nX-Admin: yes"}}, {}, 1s},
                    "header X-Id has a control character"},
        InvalidCase{"HeaderNameWithColon",
                    {"", "GET", "/", {{"X:Y", "1"}}, {}, 1s},
                    "invalid header name \"X:Y\""}),
    [](const auto& info) { return info.param.name; });

TEST(HttpClient, TruncatesTheBodyAndKeepsTheConnection) {
  TestHttpServer server;
  server.answer("/big", 200, std::string(100000, 'x') + "END");
  HttpClientOptions opt;
  opt.body_limit = 1000;
  auto out = run_all({{server.endpoint(), "GET", "/big", {}, {}, 2s},
                      {server.endpoint(), "GET", "/big", {}, {}, 2s}},
                     opt);
  for (const auto& r : out) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.body, std::string(1000, 'x'));
    EXPECT_TRUE(r.body_truncated);
  }
}

TEST(HttpClient, ReusesOneKeepAliveConnectionForSequentialRequests) {
  TestHttpServer server;
  server.answer("/healthz", 200, "ok");
  boost::asio::io_context io;
  HttpClient client(io.get_executor());
  int remaining = 200;
  int ok = 0;
  std::function<void()> next = [&] {
    client.request({server.endpoint(), "GET", "/healthz", {}, {}, 1s}, [&](HttpResponse r) {
      ok += r.ok() && r.status == 200;
      if (--remaining > 0) next();
    });
  };
  next();
  io.run();
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(HttpClient, ReconnectsWhenThePeerClosedAfterEachResponse) {
  TestHttpServer server;
  server.route("/once", late_peer(Behaviour::CloseAfterResponse));
  boost::asio::io_context io;
  HttpClient client(io.get_executor());
  int remaining = 20;
  int ok = 0;
  std::function<void()> next = [&] {
    client.request({server.endpoint(), "GET", "/once", {}, {}, 1s}, [&](HttpResponse r) {
      ok += r.ok() && r.status == 200;
      if (--remaining > 0) next();
    });
  };
  next();
  io.run();
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(server.connections_accepted(), 20);
}

TEST(HttpClient, LatencyComesFromTheInjectedTimeSource) {
  TestHttpServer server;
  server.answer("/", 200);
  HttpClientOptions opt;
  auto t = std::chrono::steady_clock::time_point{};
  opt.now = [&t] {
    auto now = t;
    t += 7ms;  // every reading is 7ms after the previous one
    return now;
  };
  HttpResponse r = run_one({server.endpoint(), "GET", "/", {}, {}, 1s}, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.latency, 7ms);
}

}  // namespace
}  // namespace rollguard
