// ctest: integration slow
// Slowloris against the built-in router: hundreds of connections trickling their headers a
// byte at a time, and connections that never send a byte. Meanwhile other clients are
// routed, and the header deadline (RouterOptions::headerTimeout) closes every one.
#include <gtest/gtest.h>

#include "controller/routers/builtin/proxy/router_fixture.hpp"
#include "support/held_connections.hpp"

namespace rollguard::testing {
namespace {

constexpr int kRouterSlowClients = 300;

RouterOptions router_with_header_deadline() {
  RouterOptions o;
  o.headerTimeout = 2s;
  o.idleTimeout = 600s;  // so that only the header deadline can close them
  return o;
}

TEST(RouterSlowloris, TricklingClientsDoNotStarveOthersAndAreClosedAtTheHeaderDeadline) {
  RouterHarness h(router_with_header_deadline());
  HeldConnectionsOptions slow;
  slow.count = kRouterSlowClients;
  slow.prefix = "GET / HTTP/1.1\r\nHost: app.example\r\nX-Slow: ";
  slow.trickle = 100ms;
  HeldConnections loris(h.router.port(), slow);
  ASSERT_TRUE(loris.wait_connected(60s)) << loris.error();

  TestHttpClient kept(h.router.port(), 20s);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
    EXPECT_EQ(kept.exchange(make_get()).status, 200);
  }

  EXPECT_TRUE(loris.wait_all_closed(120s))
      << loris.closed() << " of " << kRouterSlowClients << " closed; " << loris.error();
  EXPECT_EQ(h.sink.size(), 20u) << "only the well-behaved requests were routed";
  EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
}

TEST(RouterSlowloris, ConnectionsThatSendNothingAreClosedAtTheHeaderDeadline) {
  RouterHarness h(router_with_header_deadline());
  HeldConnectionsOptions silent;
  silent.count = 50;
  HeldConnections quiet(h.router.port(), silent);
  ASSERT_TRUE(quiet.wait_connected(60s)) << quiet.error();
  EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
  EXPECT_TRUE(quiet.wait_all_closed(120s)) << quiet.closed() << " of 50 closed; " << quiet.error();
}

}  // namespace
}  // namespace rollguard::testing
