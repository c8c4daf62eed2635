// ctest: integration
// GET /v1/rollouts/{name}/events?watch=true: Server-Sent Events, the history first, then each
// new event, nothing twice; stop() ends the stream with its last chunk.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

int count_of(const std::string& text, const std::string& piece) {
  int n = 0;
  for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) ++n;
  return n;
}

class ApiStreamTest : public ApiFixture {
 protected:
  void SetUp() override {
    start();
    ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
    service_.move_to("checkout", Phase::Paused, "step pause");
  }
  void open_stream(TestHttpClient& c, const std::string& query = "watch=true") {
    c.write_raw("GET /v1/rollouts/checkout/events?" + query +
                " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kViewerToken + "\r\n\r\n");
  }
};

TEST_F(ApiStreamTest, HistoryThenLiveEventsInOrder) {
  TestHttpClient c(port());
  open_stream(c);
  std::string bytes;
  ASSERT_TRUE(c.read_until(bytes, [](const std::string& b) {
    return b.find("id: 2\n") != std::string::npos;
  })) << bytes;
  EXPECT_NE(bytes.find("Content-Type: text/event-stream"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find("Transfer-Encoding: chunked"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find("id: 1\nevent: PhaseChanged\ndata: {"), std::string::npos) << bytes;

  service_.move_to("checkout", Phase::Progressing, "promoted");
  service_.move_to("checkout", Phase::RolledBack, "errors over 2%");
  ASSERT_TRUE(c.read_until(bytes, [](const std::string& b) {
    return b.find("id: 4\n") != std::string::npos;
  })) << bytes;
  EXPECT_LT(bytes.find("id: 3\n"), bytes.find("id: 4\n"));
  EXPECT_NE(bytes.find("errors over 2%"), std::string::npos);
  EXPECT_NE(bytes.find("\"status\":{"), std::string::npos) << "live events carry the status";
  EXPECT_EQ(count_of(bytes, "id: 1\n"), 1);
  EXPECT_EQ(count_of(bytes, "id: 3\n"), 1);
}

TEST_F(ApiStreamTest, AfterSkipsTheHistoryAlreadySeen) {
  TestHttpClient c(port());
  open_stream(c, "watch=true&after=1");
  service_.move_to("checkout", Phase::Progressing, "promoted");
  std::string bytes;
  ASSERT_TRUE(c.read_until(
      bytes, [](const std::string& b) { return b.find("id: 3\n") != std::string::npos; }));
  EXPECT_EQ(bytes.find("id: 1\n"), std::string::npos);
  EXPECT_NE(bytes.find("id: 2\n"), std::string::npos);
}

TEST_F(ApiStreamTest, HeartbeatsKeepAnIdleStreamTalking) {
  server_.reset();
  ApiOptions options = default_options();
  options.sse_heartbeat = 50ms;
  start(options);
  TestHttpClient c(port());
  open_stream(c);
  std::string bytes;
  EXPECT_TRUE(c.read_until(
      bytes, [](const std::string& b) { return b.find(": ping\n\n") != std::string::npos; }));
}

TEST_F(ApiStreamTest, StopEndsTheStreamWithTheLastChunk) {
  TestHttpClient c(port());
  open_stream(c);
  std::string bytes;
  ASSERT_TRUE(c.read_until(
      bytes, [](const std::string& b) { return b.find("id: 2\n") != std::string::npos; }));
  EXPECT_TRUE(server_->stop());
  EXPECT_TRUE(c.read_until(bytes, [](const std::string& b) {
    return b.ends_with("\r\n0\r\n\r\n");
  })) << bytes;
}

TEST_F(ApiStreamTest, StopClosesAKeptAliveConnection) {
  TestHttpClient c(port());
  c.write_raw("GET /v1/rollouts/checkout HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
              kViewerToken + "\r\n\r\n");
  const TestResponse r = c.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(server_->stop());
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ApiFixture, StopFinishesARequestInFlight) {
  start();
  service_.hold_applies();
  auto put = std::async(std::launch::async,
                        [this] { return put_yaml("checkout", manifest_yaml("checkout")); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (service_.applies_waiting() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_EQ(service_.applies_waiting(), 1);
  auto stopped = std::async(std::launch::async, [this] { return server_->stop(); });
  while (!server_->stopping() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_TRUE(server_->stopping());
  // stop() waits for the request in flight.
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  service_.release_applies();
  const TestResponse r = put.get();
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(stopped.get());
  EXPECT_TRUE(service_.get("checkout"));
}

}  // namespace
}  // namespace rollguard::testing
