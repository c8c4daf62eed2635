// ctest: integration slow
// Ten thousand kept-alive client connections that go quiet after one routed request each,
// held by a child process: the router's memory stays bounded, a new client is still routed,
// and the idle deadline (RouterOptions::idleTimeout) closes them all.
#include <gtest/gtest.h>

#include <iostream>

#include "controller/routers/builtin/proxy/router_fixture.hpp"
#include "support/fd_limit.hpp"
#include "support/held_connections.hpp"
#include "support/resident_memory.hpp"

namespace rollguard::testing {
namespace {

constexpr int kRouterIdleClients = 10000;
constexpr std::size_t kRouterMemoryBound = resident_bound(200u << 20);

TEST(RouterIdleConnections, TenThousandStayBoundedAndAreClosedWhenIdle) {
  RaisedFdLimit limit(kRouterIdleClients + 1000);
  if (limit.problem()) GTEST_SKIP() << *limit.problem();
  RouterOptions options;
  options.idleTimeout = 10s;
  options.headerTimeout = 60s;
  RouterHarness h(options);
  ASSERT_EQ(exchange_once(h.router.port(), make_get()).status, 200);  // warm
  const std::size_t before = resident_bytes();

  HeldConnectionsOptions idle;
  idle.count = kRouterIdleClients;
  idle.prefix = "GET / HTTP/1.1\r\nHost: app.example\r\n\r\n";  // then quiet, kept alive
  HeldConnections held(h.router.port(), idle);
  ASSERT_TRUE(held.wait_connected(120s)) << held.error();

  // Accepted in order: once this one is answered, the router holds all the others.
  EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
  const std::size_t after = resident_bytes();
  const std::size_t growth = after > before ? after - before : 0;
  EXPECT_LT(growth, kRouterMemoryBound) << "resident memory grew by " << (growth >> 20) << " MiB";
  std::cout << "router: " << kRouterIdleClients << " connections, resident memory +"
            << (growth >> 20) << " MiB (" << growth / kRouterIdleClients << " bytes each; "
            << held.closed() << " already closed)\n";

  EXPECT_TRUE(held.wait_all_closed(180s))
      << held.closed() << " of " << kRouterIdleClients << " closed; " << held.error();
  EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
}

}  // namespace
}  // namespace rollguard::testing
