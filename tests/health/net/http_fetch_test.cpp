// ctest: integration
// The cpprestsdk adapter against a real local server.
#include "health/net/http_fetch.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include <chrono>
#include <future>

#include "support/free_port.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using testing::answering;
using testing::hanging;
using testing::Route;
using testing::TestHttpServer;
using testing::trickling;

struct FetchCase {
  const char* name;
  Route route;
  Duration timeout;
  std::size_t max_body;
  int status;         // expected when `error` is empty
  std::string body;   // expected when `error` is empty
  std::string error;  // expected substring
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const FetchCase& c, std::ostream* os) {
  *os << c.name;
}

class Fetch : public ::testing::TestWithParam<FetchCase> {};

testing::ServerReply plain_text(std::string body) {
  return {200, std::move(body), {{"Content-Type", "text/plain"}}};
}

FetchResult fetch_sync(const FetchRequest& request) {
  auto promise = std::make_shared<std::promise<FetchResult>>();
  auto future = promise->get_future();
  http_fetch(request, [promise](FetchResult r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
    return {0, "", "test: no answer within 60 s"};
  return future.get();
}

TEST_P(Fetch, StatusBodyOrError) {
  const FetchCase& c = GetParam();
  TestHttpServer server;
  server.route("/*", c.route);
  const FetchResult r = fetch_sync([&] {
    FetchRequest request;
    request.url = server.url() + "/x?a=1";
    request.headers = {{"X-Test", "yes"}};
    request.timeout = c.timeout;
    request.max_body = c.max_body;
    return request;
  }());
  if (!c.error.empty()) {
    EXPECT_NE(r.error.find(c.error), std::string::npos) << r.error;
    EXPECT_EQ(r.status, 0);
  } else {
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.body, c.body);
  }
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/x?a=1");
  EXPECT_EQ(seen[0].headers.at("x-test"), "yes");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Fetch,
    ::testing::Values(FetchCase{"ok", answering(200, R"({"a":1})", "application/json"), 5s, 1024,
                                200, R"({"a":1})", ""},
                      FetchCase{"not_found_is_a_response", answering(404, "nope", "text/plain"), 5s,
                                1024, 404, "nope", ""},
                      FetchCase{"server_error_is_a_response", answering(503, "busy", "text/plain"),
                                5s, 1024, 503, "busy", ""},
                      FetchCase{"body_over_limit",
                                answering(200, std::string(2000, 'x'), "application/json"), 5s,
                                1000, 0, "", "over the limit"},
                      FetchCase{"no_answer", hanging(), 300ms, 1024, 0, "",
                                "timeout after 300ms waiting for 127.0.0.1:"},
                      // A byte every 50 ms: the whole body takes 2 s.
                      FetchCase{"trickled_body", trickling(plain_text(std::string(40, 'y')), 50ms),
                                500ms, 1024, 0, "", "timeout after 500ms"},
                      // 4 KiB every 20 ms fills each of cpprestsdk's 64 KiB reads in ~320 ms,
                      // within its per-read timeout, but the whole 512 KiB takes ~2.6 s: the
                      // deadline is for the exchange, not for each read.
                      FetchCase{"large_trickled_body",
                                trickling(plain_text(std::string(512 * 1024, 'z')), 20ms, 4096),
                                800ms, 1 << 20, 0, "", "timeout after 800ms"},
                      FetchCase{"slow_but_in_time", trickling(plain_text("abc"), 20ms), 10s, 1024,
                                200, "abc", ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FetchErrors, BadUrlAnswersAtOnce) {
  bool called = false;
  FetchRequest bad_url;
  bad_url.url = "not a url";
  bad_url.timeout = 1s;
  http_fetch(bad_url, [&](FetchResult r) {
    called = true;
    EXPECT_NE(r.error.find("bad URL"), std::string::npos) << r.error;
  });
  EXPECT_TRUE(called);
}

// What the socket said, in the words the probes use (health/net/net_error.hpp), not
// cpprestsdk's "Failed to connect to any resolved endpoint".
TEST(FetchErrors, ClosedPortSaysConnectionRefused) {
  const std::string address = "127.0.0.1:" + std::to_string(testing::free_port());
  FetchRequest request;
  request.url = "http://" + address + "/x";
  request.timeout = 5s;
  const FetchResult r = fetch_sync(request);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "request to " + address + " failed: connection refused or host unreachable");
}

TEST(FetchErrors, UrlEncoding) {
  EXPECT_EQ(url_encode_component(R"(sum(rate(x{code=~"5.."}[1m])) / 2 & b+c)"),
            "sum%28rate%28x%7Bcode%3D~%225..%22%7D%5B1m%5D%29%29%20%2F%202%20%26%20b%2Bc");
}

}  // namespace
}  // namespace rollguard
