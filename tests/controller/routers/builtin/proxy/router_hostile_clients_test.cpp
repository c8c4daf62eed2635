// ctest: integration
// Clients that send what a careless or hostile peer sends, byte for byte, to the built-in
// router over loopback: headers over the limits, broken chunked framing, pipelined requests,
// HTTP/1.0. Each is answered as docs/routers.md ("Timeouts and limits") says, nothing that
// was refused reaches a backend or the outcome sink, and the router stays up.
#include <gtest/gtest.h>

#include "controller/routers/builtin/proxy/router_fixture.hpp"

namespace rollguard::testing {
namespace {

std::string router_headers(int count) {  // `count` small fields besides Host
  std::string out;
  for (int i = 0; i < count; ++i) out += "X-H" + std::to_string(i) + ": v\r\n";
  return out;
}

std::string chunked_post(const std::string& body) {
  return "POST / HTTP/1.1\r\nHost: app.example\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
}

struct RouterRefusalCase {
  std::string name;
  std::string request;  // the whole request, as written
  int status;
};
void PrintTo(const RouterRefusalCase& c, std::ostream* out) {
  *out << c.name;
}

const std::vector<RouterRefusalCase> kRouterRefusals = {
    {"OneHeaderOf64KiB",
     "GET / HTTP/1.1\r\nHost: app.example\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n",
     431},
    {"TenThousandSmallHeaders",
     "GET / HTTP/1.1\r\nHost: app.example\r\n" + router_headers(10000) + "\r\n", 431},
    {"HundredAndOneFields",
     "GET / HTTP/1.1\r\nHost: app.example\r\n" + router_headers(100) + "\r\n", 431},
    {"ChunkSizeNotHex", chunked_post("zz\r\nabc\r\n0\r\n\r\n"), 400},
    {"ChunkSizeNegative", chunked_post("-1\r\nabc\r\n0\r\n\r\n"), 400},
    {"ChunkSizeOverflows64Bits", chunked_post("10000000000000000\r\nabc\r\n0\r\n\r\n"), 400},
    {"ChunkLongerThanItsSize", chunked_post("3\r\nabcdef\r\n0\r\n\r\n"), 400},
    {"ChunkSizeOverTheBodyLimit", chunked_post("ffffffffffffffff\r\nabc\r\n0\r\n\r\n"), 413},
};

class RouterRefusalTest : public ::testing::TestWithParam<RouterRefusalCase> {};

TEST_P(RouterRefusalTest, IsAnsweredThenTheConnectionCloses) {
  const RouterRefusalCase& c = GetParam();
  RouterHarness h;
  TestHttpClient client(h.router.port());
  const TestResponse r = client.exchange_raw(c.request);
  ASSERT_EQ(r.status, c.status) << r.error.message() << " " << r.body;
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(h.sink.size(), 0u) << "refused before routing: no role to charge it to";
  EXPECT_EQ(h.stable.requests(), 0);
  // Still up, for a new connection.
  EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Hostile, RouterRefusalTest, ::testing::ValuesIn(kRouterRefusals),
                         [](const auto& info) { return info.param.name; });

TEST(RouterHostileClients, HundredFieldsAreTheLimitAndAreForwarded) {
  RouterHarness h;
  TestHttpClient client(h.router.port());
  const TestResponse r =
      client.exchange_raw("GET / HTTP/1.1\r\nHost: app.example\r\n" + router_headers(99) + "\r\n");
  EXPECT_EQ(r.status, 200) << r.error.message() << " " << r.body;
  EXPECT_TRUE(r.keep_alive);
}

TEST(RouterHostileClients, PipelinedRequestsAreAnsweredInOrder) {
  RouterHarness h;
  TestHttpClient client(h.router.port());
  // Four requests in one write; the second has a body the router must forward and step over.
  client.write_raw(
      "GET /status/201 HTTP/1.1\r\nHost: app.example\r\n\r\n"
      "POST /status/202 HTTP/1.1\r\nHost: app.example\r\nContent-Length: 5\r\n\r\nhello"
      "GET /status/203 HTTP/1.1\r\nHost: app.example\r\n\r\n"
      "GET /status/200 HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(client.read().status, 201);
  const TestResponse with_body = client.read();
  EXPECT_EQ(with_body.status, 202);
  EXPECT_EQ(with_body.header("X-Echo-Body-Size"), "5");
  EXPECT_EQ(client.read().status, 203);
  const TestResponse last = client.read();
  EXPECT_EQ(last.status, 200);
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_EQ(h.sink.size(), 4u);
}

TEST(RouterHostileClients, Http10WithoutHostIsForwardedWithAHostAndClosed) {
  RouterHarness h;
  TestHttpClient client(h.router.port());
  const TestResponse r = client.exchange_raw("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.error.message();
  EXPECT_EQ(r.body, "stable");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
  // Upstream it is HTTP/1.1, which needs a Host (RFC 9112 3.2): the backend's address.
  EXPECT_EQ(r.header("X-Echo-Host"), h.stable.address());
}

}  // namespace
}  // namespace rollguard::testing
