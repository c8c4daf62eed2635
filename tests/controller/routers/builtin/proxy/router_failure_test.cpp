// ctest: integration
// What the client and the sink see when a backend or the client misbehaves.
#include <gtest/gtest.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "controller/routers/builtin/proxy/router_fixture.hpp"
#include "support/free_port.hpp"

namespace rollguard::testing {
namespace {

// A port nothing listens on: bound, then released.
std::string closed_address() {
  return "127.0.0.1:" + std::to_string(free_port());
}

struct UpstreamFailureCase {
  std::string name;
  std::function<void(RouterHarness&)> arrange;
  std::string target;
  int client_status;
  Role role;
};

class UpstreamFailureTest : public ::testing::TestWithParam<UpstreamFailureCase> {};

TEST_P(UpstreamFailureTest, ClientGetsGatewayErrorAndSinkAConnectionError) {
  const auto& c = GetParam();
  RouterOptions options;
  options.upstreamTimeout = 200ms;
  RouterHarness h(options);
  c.arrange(h);
  TestHttpClient client(h.router.port());
  const auto reply = client.exchange(make_get(c.target));
  EXPECT_EQ(reply.status, c.client_status) << reply.error.message();
  EXPECT_EQ(reply.header("X-Rollguard-Role"), to_string(c.role));
  const auto outcomes = h.sink.outcomes();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].role, c.role);
  EXPECT_EQ(outcomes[0].status, 0);
  EXPECT_TRUE(outcomes[0].connection_error);
  EXPECT_TRUE(outcomes[0].failed());

  // The client connection survives a gateway error: the request was read whole.
  h.router.set_split({100, 0, 0}, false);
  ASSERT_EQ(h.router.set_pools(Role::Stable, {h.stable.address()}), std::nullopt);
  EXPECT_EQ(client.exchange(make_get()).status, 200);
  h.stable.release_all();
}

INSTANTIATE_TEST_SUITE_P(
    Failures, UpstreamFailureTest,
    ::testing::Values(UpstreamFailureCase{"backend_down",
                                          [](RouterHarness& h) {
                                            ASSERT_EQ(h.router.set_pools(Role::Stable,
                                                                         {closed_address()}),
                                                      std::nullopt);
                                          },
                                          "/", 502, Role::Stable},
                      UpstreamFailureCase{"backend_hangs",
                                          [](RouterHarness&) {},  // /hold is never released in time
                                          "/hold", 504, Role::Stable},
                      UpstreamFailureCase{"role_without_backends",
                                          [](RouterHarness& h) {
                                            ASSERT_EQ(h.router.set_pools(Role::Canary, {}),
                                                      std::nullopt);
                                            h.router.set_split({0, 100, 0}, false);
                                          },
                                          "/", 503, Role::Canary}),
    [](const auto& info) { return info.param.name; });

// A backend that answers every request on its connections with the same bytes, as written.
class RawBackend {
 public:
  explicit RawBackend(std::string answer)
      : answer_(std::move(answer)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RawBackend() {
    io_.stop();
    thread_.join();
  }
  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(std::move(s));
      auto buffer = std::make_shared<std::string>();
      boost::asio::async_read_until(
          *socket, boost::asio::dynamic_buffer(*buffer), "\r\n\r\n",
          [this, socket, buffer](boost::system::error_code ec, std::size_t) {
            if (!ec)
              boost::asio::async_write(*socket, boost::asio::buffer(answer_),
                                       [socket](boost::system::error_code, std::size_t) {});
          });
      accept();
    });
  }

  std::string answer_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

// Found by fuzz/router_request.cpp (fuzz/corpus/router_request/finding-*): read whole, a
// response whose Content-Length is over responseBodyLimit, followed by any byte, made Boost
// 1.74 reserve that length; a terabyte threw std::bad_alloc out of the router's event loop.
TEST(RouterFailure, UpstreamContentLengthOverTheLimitIsABadGateway) {
  RawBackend huge("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\nx");
  RouterHarness h;
  ASSERT_EQ(h.router.set_pools(Role::Stable, {huge.address()}), std::nullopt);
  TestHttpClient client(h.router.port());
  EXPECT_EQ(client.exchange(make_get()).status, 502);
  const auto outcomes = h.sink.outcomes();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].connection_error);

  // The router is still there.
  ASSERT_EQ(h.router.set_pools(Role::Stable, {h.stable.address()}), std::nullopt);
  EXPECT_EQ(client.exchange(make_get()).status, 200);
}

TEST(RouterFailure, BackendErrorStatusIsRecordedAsIs) {
  RouterHarness h;
  const auto reply = exchange_once(h.router.port(), make_get("/status/503"));
  EXPECT_EQ(reply.status, 503);
  const auto outcomes = h.sink.outcomes();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, 503);
  EXPECT_FALSE(outcomes[0].connection_error);
  EXPECT_TRUE(outcomes[0].failed());
}

struct ClientLimitCase {
  std::string name;
  std::string raw;      // what the client sends
  int expected_status;  // 0: the router closes without answering
};

class ClientLimitTest : public ::testing::TestWithParam<ClientLimitCase> {};

TEST_P(ClientLimitTest, RouterRefusesOrClosesWithoutRouting) {
  const auto& c = GetParam();
  RouterOptions options;
  options.bodyLimit = 1024;
  options.headerTimeout = 100ms;
  options.idleTimeout = 100ms;
  RouterHarness h(options);
  TestHttpClient client(h.router.port());
  const auto reply = client.exchange_raw(c.raw);
  EXPECT_EQ(reply.status, c.expected_status) << reply.error.message();
  if (c.expected_status == 0) {
    EXPECT_TRUE(reply.error == boost::beast::http::error::end_of_stream ||
                reply.error == boost::asio::error::connection_reset)
        << reply.error.message();
  } else {
    EXPECT_EQ(reply.header("Connection"), "close");
    EXPECT_TRUE(client.closed_by_peer());
  }
  EXPECT_EQ(h.sink.size(), 0u) << "refused before routing: no role to charge it to";
  EXPECT_EQ(h.stable.requests(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Limits, ClientLimitTest,
    ::testing::Values(
        ClientLimitCase{"body_over_limit",
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4096\r\n\r\n", 413},
        ClientLimitCase{"chunked_body_over_limit",
                        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "800\r\n" +
                            std::string(2048, 'x') + "\r\n0\r\n\r\n",
                        413},
        ClientLimitCase{"malformed", "NOT HTTP AT ALL\r\n\r\n", 400},
        ClientLimitCase{"header_timeout", "GET / HTTP/1.1\r\nHost: a\r\n", 0}),
    [](const auto& info) { return info.param.name; });

TEST(RouterFailure, BodyWithinLimitIsForwarded) {
  RouterOptions options;
  options.bodyLimit = 1024;
  RouterHarness h(options);
  auto req = make_get("/");
  req.method(boost::beast::http::verb::post);
  req.body() = std::string(1000, 'x');
  const auto reply = exchange_once(h.router.port(), req);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("X-Echo-Body-Size"), "1000");
}

TEST(RouterFailure, IdleClientConnectionIsClosed) {
  RouterOptions options;
  options.idleTimeout = 100ms;
  RouterHarness h(options);
  TestHttpClient client(h.router.port());
  ASSERT_EQ(client.exchange(make_get()).status, 200);
  EXPECT_TRUE(client.closed_by_peer());
}

}  // namespace
}  // namespace rollguard::testing
