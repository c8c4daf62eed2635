// ctest: integration
// Clients that send what a careless or hostile peer sends, byte for byte, to the API server
// over loopback: headers over the limits, broken chunked framing, pipelined requests, HTTP/1.0.
// Each is answered as docs/service.md ("Limits") says and the server stays up.
#include <gtest/gtest.h>

#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

std::string api_headers(int count) {  // `count` small fields besides Host
  std::string out;
  for (int i = 0; i < count; ++i) out += "X-H" + std::to_string(i) + ": v\r\n";
  return out;
}

// The server still answers a well-behaved client on a connection of its own.
void expect_api_still_serves(std::uint16_t port) {
  TestHttpClient fresh(port);
  const TestResponse r = fresh.exchange_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.error.message();
}

struct ApiRefusalCase {
  std::string name;
  std::string request;  // the whole request, as written
  int status;
  std::string code;
};
void PrintTo(const ApiRefusalCase& c, std::ostream* out) {
  *out << c.name;
}

std::string chunked_put(const std::string& body) {
  return "PUT /v1/rollouts/checkout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
         kOperatorToken +
         "\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
}

const std::vector<ApiRefusalCase> kApiRefusals = {
    // docs/service.md: headers over 16 KiB or over 100 fields are 431.
    {"OneHeaderOf64KiB",
     "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n", 431,
     "HeadersTooLarge"},
    {"TenThousandSmallHeaders",
     "GET /healthz HTTP/1.1\r\nHost: x\r\n" + api_headers(10000) + "\r\n", 431, "HeadersTooLarge"},
    // Far below 16 KiB, but each field costs the parser far more memory than its bytes.
    {"HundredAndOneFields", "GET /healthz HTTP/1.1\r\nHost: x\r\n" + api_headers(100) + "\r\n", 431,
     "HeadersTooLarge"},
    {"ChunkSizeNotHex", chunked_put("zz\r\nabc\r\n0\r\n\r\n"), 400, "MalformedRequest"},
    {"ChunkSizeNegative", chunked_put("-1\r\nabc\r\n0\r\n\r\n"), 400, "MalformedRequest"},
    {"ChunkSizeOverflows64Bits", chunked_put("10000000000000000\r\nabc\r\n0\r\n\r\n"), 400,
     "MalformedRequest"},
    {"ChunkLongerThanItsSize", chunked_put("3\r\nabcdef\r\n0\r\n\r\n"), 400, "MalformedRequest"},
    // A size that fits in 64 bits is a size: over the body limit, 413 (docs/api.md).
    {"ChunkSizeOverTheBodyLimit", chunked_put("ffffffffffffffff\r\nabc\r\n0\r\n\r\n"), 413,
     "PayloadTooLarge"},
};

class ApiRefusalTest : public ApiFixture, public ::testing::WithParamInterface<ApiRefusalCase> {};

TEST_P(ApiRefusalTest, IsAnsweredThenTheConnectionCloses) {
  const ApiRefusalCase& c = GetParam();
  start();
  TestHttpClient client(port());
  const TestResponse r = client.exchange_raw(c.request);
  ASSERT_EQ(r.status, c.status) << r.error.message() << " " << r.body;
  EXPECT_EQ(r.json()["error"]["code"], c.code) << r.body;
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(service_.list().empty());
  expect_api_still_serves(port());
}

INSTANTIATE_TEST_SUITE_P(Hostile, ApiRefusalTest, ::testing::ValuesIn(kApiRefusals),
                         [](const auto& info) { return info.param.name; });

TEST_F(ApiFixture, HundredFieldsAreTheLimitAndAreServed) {
  start();
  TestHttpClient client(port());
  const TestResponse r =
      client.exchange_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n" + api_headers(99) + "\r\n");
  EXPECT_EQ(r.status, 200) << r.error.message() << " " << r.body;
  EXPECT_TRUE(r.keep_alive);
}

TEST_F(ApiFixture, PipelinedRequestsAreAnsweredInOrder) {
  start();
  TestHttpClient client(port());
  // Four requests in one write; the second has a body the server must step over.
  client.write_raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /v1/rollouts/checkout/abort HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(client.read().status, 200);
  EXPECT_EQ(client.read().status, 401);  // no token: refused, on the same connection
  EXPECT_EQ(client.read().status, 404);
  const TestResponse last = client.read();
  EXPECT_EQ(last.status, 200);
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ApiFixture, Http10WithoutHostIsAnsweredAndClosed) {
  start();
  TestHttpClient client(port());
  const TestResponse r = client.exchange_raw("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.status, 200) << r.error.message();
  EXPECT_EQ(r.json()["status"], "ok") << r.body;
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(client.closed_by_peer());
}

}  // namespace
}  // namespace rollguard::testing
