// ctest: integration slow
// Slowloris against the API server: hundreds of connections trickling their headers a byte at
// a time, and connections that never send a byte. Meanwhile other clients are served, and the
// header deadline (ApiOptions::header_timeout, docs/service.md "Limits") closes every one.
#include <gtest/gtest.h>

#include "support/held_connections.hpp"
#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

constexpr int kSlowClients = 300;

ApiOptions api_with_header_deadline(ApiOptions o) {
  o.header_timeout = 2s;
  o.idle_timeout = 600s;  // so that only the header deadline can close them
  return o;
}

TEST_F(ApiFixture, TricklingClientsDoNotStarveOthersAndAreClosedAtTheHeaderDeadline) {
  start(api_with_header_deadline(default_options()));
  HeldConnectionsOptions slow;
  slow.count = kSlowClients;
  slow.prefix = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  slow.trickle = 100ms;
  HeldConnections loris(port(), slow);
  ASSERT_TRUE(loris.wait_connected(60s)) << loris.error();

  // While they trickle, others are served, each on a new connection and on a kept-alive one.
  TestHttpClient kept(port(), 20s);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
    EXPECT_EQ(kept.get("/healthz").status, 200);
  }

  EXPECT_TRUE(loris.wait_all_closed(120s))
      << loris.closed() << " of " << kSlowClients << " closed; " << loris.error();
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
}

TEST_F(ApiFixture, ConnectionsThatSendNothingAreClosedAtTheHeaderDeadline) {
  start(api_with_header_deadline(default_options()));
  HeldConnectionsOptions silent;
  silent.count = 50;
  HeldConnections quiet(port(), silent);
  ASSERT_TRUE(quiet.wait_connected(60s)) << quiet.error();
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
  // Well before the 600 s idle timeout: the first request's headers are due from the accept.
  EXPECT_TRUE(quiet.wait_all_closed(120s)) << quiet.closed() << " of 50 closed; " << quiet.error();
}

}  // namespace
}  // namespace rollguard::testing
