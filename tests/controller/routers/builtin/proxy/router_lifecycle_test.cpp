// ctest: integration
// Requests in flight across a split change and a drain; connection reuse; header rewriting.
#include <gtest/gtest.h>

#include <future>

#include "controller/routers/builtin/proxy/router_fixture.hpp"

namespace rollguard::testing {
namespace {

TEST(RouterLifecycle, RequestInFlightFinishesWhereItStarted) {
  RouterHarness h;
  h.router.set_split({100, 0, 0}, false);
  auto slow = std::async(std::launch::async,
                         [&] { return exchange_once(h.router.port(), make_get("/hold")); });
  ASSERT_TRUE(eventually([&] { return h.stable.held() == 1; }));

  h.router.set_split({0, 100, 0}, false);
  const auto fast = exchange_once(h.router.port(), make_get());
  EXPECT_EQ(fast.body, "canary");

  h.stable.release_all();
  const auto slow_reply = slow.get();
  EXPECT_EQ(slow_reply.status, 200);
  EXPECT_EQ(slow_reply.body, "stable");
  EXPECT_EQ(slow_reply.header("X-Rollguard-Role"), "stable");

  const auto outcomes = h.sink.outcomes();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].role, Role::Canary);  // recorded as they complete
  EXPECT_EQ(outcomes[1].role, Role::Stable);
}

TEST(RouterLifecycle, DrainFinishesTheRequestInFlightAndRefusesNewOnes) {
  RouterHarness h;
  TestHttpClient idle(h.router.port());
  ASSERT_EQ(idle.exchange(make_get()).status, 200);

  auto slow = std::async(std::launch::async,
                         [&] { return exchange_once(h.router.port(), make_get("/hold")); });
  ASSERT_TRUE(eventually([&] { return h.stable.held() == 1; }));
  auto drained = std::async(std::launch::async, [&] { return h.router.drain_and_stop(30s); });

  // The idle kept-alive connection is closed at once; the busy one is not.
  EXPECT_TRUE(idle.closed_by_peer());
  h.stable.release_all();
  const auto reply = slow.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "stable");
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_TRUE(drained.get()) << "nothing was cut off";
  EXPECT_EQ(h.sink.size(), 2u);

  TestHttpClient late(h.router.port());
  EXPECT_FALSE(late.connect());
}

TEST(RouterLifecycle, DrainGraceCutsOffWhatDoesNotFinish) {
  RouterHarness h;
  auto slow = std::async(std::launch::async,
                         [&] { return exchange_once(h.router.port(), make_get("/hold")); });
  ASSERT_TRUE(eventually([&] { return h.stable.held() == 1; }));
  EXPECT_FALSE(h.router.drain_and_stop(0ms));
  EXPECT_EQ(slow.get().status, 0);
  h.stable.release_all();
}

struct ReuseCase {
  std::string name;
  int threads;
  bool one_client_connection;
  std::string target;
  int requests;
  int expected_upstream_connections;
};

class UpstreamReuseTest : public ::testing::TestWithParam<ReuseCase> {};

TEST_P(UpstreamReuseTest, UpstreamConnectionsAreKeptAlive) {
  const auto& c = GetParam();
  RouterOptions options;
  options.threads = c.threads;
  RouterHarness h(options);
  std::optional<TestHttpClient> shared;
  if (c.one_client_connection) shared.emplace(h.router.port());
  for (int i = 0; i < c.requests; ++i) {
    const auto reply = shared ? shared->exchange(make_get(c.target))
                              : exchange_once(h.router.port(), make_get(c.target));
    ASSERT_EQ(reply.status, 200) << "request " << i << ": " << reply.error.message();
  }
  EXPECT_EQ(h.stable.connections(), c.expected_upstream_connections);
  EXPECT_EQ(h.stable.requests(), c.requests);
  EXPECT_EQ(h.sink.size(), static_cast<std::size_t>(c.requests));
}

INSTANTIATE_TEST_SUITE_P(
    Reuse, UpstreamReuseTest,
    ::testing::Values(ReuseCase{"one_client_connection", 2, true, "/", 100, 1},
                      ReuseCase{"new_client_connection_each_time", 1, false, "/", 50, 1},
                      // Each of two workers keeps its own idle connections.
                      ReuseCase{"two_workers", 2, false, "/", 50, 2},
                      // The backend closes every connection after answering: the reused one fails
                      // before any byte and the request is sent again on a fresh connection.
                      ReuseCase{"backend_drops_idle_connections", 1, true, "/drop-idle", 20, 20}),
    [](const auto& info) { return info.param.name; });

TEST(RouterHeaders, HopByHopDroppedHostKeptForwardedForAdded) {
  RouterHarness h;
  TestHttpClient client(h.router.port());
  auto req = make_get();
  req.set(boost::beast::http::field::connection, "keep-alive, X-Client-Hop");
  req.set("X-Client-Hop", "secret");
  req.set(boost::beast::http::field::keep_alive, "timeout=5");
  req.set("X-Forwarded-For", "203.0.113.7");
  const auto reply = client.exchange(req);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("X-Echo-Host"), "app.example");
  EXPECT_EQ(reply.header("X-Echo-XFF"), "203.0.113.7, 127.0.0.1");
  EXPECT_EQ(reply.header("X-Echo-Client-Hop"), "");
  EXPECT_EQ(reply.header("X-Echo-Keep-Alive"), "");
  // ... and the backend's own hop-by-hop headers stop at the router.
  EXPECT_EQ(reply.header("X-Backend-Hop"), "");
  EXPECT_EQ(reply.header("Keep-Alive"), "");
  EXPECT_EQ(reply.header("Connection"), "");
  EXPECT_EQ(reply.header("X-Rollguard-Role"), "stable");
}

TEST(RouterHeaders, ExpectContinueIsAnsweredAndBodyForwarded) {
  RouterHarness h;
  TestHttpClient client(h.router.port());
  const std::string body(100, 'y');
  const auto reply = client.exchange_raw(
      "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n" + body);
  // Beast's client parser takes the interim 100 as a response of its own.
  ASSERT_EQ(reply.status, 100) << reply.error.message();
  const auto final_reply = client.exchange_raw("");
  EXPECT_EQ(final_reply.status, 200);
  EXPECT_EQ(final_reply.header("X-Echo-Body-Size"), "100");
}

}  // namespace
}  // namespace rollguard::testing
