// ctest: integration slow
// Ten thousand kept-alive connections that go quiet after one request each, held by a child
// process: the API server's memory stays bounded, a new client is still served, and the idle
// deadline (ApiOptions::idle_timeout) closes them all.
#include <gtest/gtest.h>

#include <iostream>

#include "support/fd_limit.hpp"
#include "support/held_connections.hpp"
#include "support/resident_memory.hpp"
#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

constexpr int kIdleClients = 10000;
constexpr std::size_t kApiMemoryBound = resident_bound(200u << 20);

TEST_F(ApiFixture, TenThousandIdleConnectionsStayBoundedAndAreClosedWhenIdle) {
  // The server's end of each connection is in this process, the client's in the child.
  RaisedFdLimit limit(kIdleClients + 1000);
  if (limit.problem()) GTEST_SKIP() << *limit.problem();
  ApiOptions options = default_options();
  options.idle_timeout = 10s;
  options.header_timeout = 60s;
  start(options);
  ASSERT_EQ(request_once(port(), "GET", "/healthz").status, 200);  // warm: threads, buffers
  const std::size_t before = resident_bytes();

  HeldConnectionsOptions idle;
  idle.count = kIdleClients;
  idle.prefix = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";  // then quiet, kept alive
  HeldConnections held(port(), idle);
  ASSERT_TRUE(held.wait_connected(120s)) << held.error();

  // Accepted in order: once this one is answered, the server holds all the others.
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
  const std::size_t after = resident_bytes();
  const std::size_t growth = after > before ? after - before : 0;
  EXPECT_LT(growth, kApiMemoryBound) << "resident memory grew by " << (growth >> 20) << " MiB";
  std::cout << "API: " << kIdleClients << " connections, resident memory +" << (growth >> 20)
            << " MiB (" << growth / kIdleClients << " bytes each; " << held.closed()
            << " already closed)\n";

  EXPECT_TRUE(held.wait_all_closed(180s))
      << held.closed() << " of " << kIdleClients << " closed; " << held.error();
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace rollguard::testing
