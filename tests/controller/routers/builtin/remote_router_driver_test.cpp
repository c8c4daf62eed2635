// ctest: integration
// RemoteRouterDriver and RemoteOutcomeReader against a real `rollguard router` process: a
// table applied is verified by reading it back, an unreachable router or a read-back that
// another writer changed is an error naming the router, and the outcomes of real traffic come
// back into the controller's OutcomeWindow as they were recorded.
#include "controller/routers/builtin/remote_router_driver.hpp"

#include "controller/routers/builtin/admin/route_document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cmath>
#include <future>
#include <thread>

#include "health/providers/builtin/remote_outcome_reader.hpp"
#include "support/free_port.hpp"
#include "support/router_process.hpp"
#include "support/test_http_client.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class RemoteRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    stable_.answer("/", 200, "stable");
    canary_.answer("/", 503, "canary");
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    thread_.join();
  }

  BuiltinRouter spec(const std::string& admin) const {
    BuiltinRouter b;
    b.listen = "127.0.0.1:1";
    b.admin = admin;
    return b;
  }
  RouteTable table(double canary) const {
    RouteTable t;
    t.split = {100 - canary, canary, 0};
    t.stable = {stable_.endpoint()};
    t.canary = {canary_.endpoint()};
    return t;
  }
  std::string apply(RouterDriver& driver, const RouteTable& t) {
    std::promise<std::string> done;
    boost::asio::post(io_, [&] { driver.apply(t, [&](std::string e) { done.set_value(e); }); });
    auto result = done.get_future();
    EXPECT_EQ(result.wait_for(30s), std::future_status::ready);
    return result.get();
  }
  // Runs `fn` on `strand` and returns what it returns.
  template <class Fn>
  auto on(boost::asio::any_io_executor strand, Fn fn) {
    std::promise<decltype(fn())> p;
    boost::asio::post(strand, [&] { p.set_value(fn()); });
    return p.get_future().get();
  }

  testing::TestHttpServer stable_, canary_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::thread thread_;
};

TEST_F(RemoteRouter, AppliesAndVerifiesAndTheTrafficFollows) {
  testing::RouterProcess router;
  ASSERT_TRUE(router.start());
  RemoteRouterDriver driver(spec(router.admin()), io_.get_executor(), {5s, "checkout"});
  EXPECT_EQ(apply(driver, table(50)), "");
  int canary = 0;
  for (int i = 0; i < 20; ++i)
    canary += testing::request_once(router.listen_port, "GET", "/").status == 503;
  EXPECT_EQ(canary, 10);
  EXPECT_EQ(apply(driver, table(0)), "");  // the rollback, verified
  const auto routes = testing::request_once(router.admin_port, "GET", "/v1/routes").json();
  EXPECT_EQ(routes.at("rollout"), "checkout");
  EXPECT_EQ(routes.at("split").at("stable"), 100.0);
  EXPECT_EQ(routes.at("revision"), 2);
}

TEST_F(RemoteRouter, AnUnreachableRouterIsAnErrorNamingIt) {
  const std::string admin = "127.0.0.1:" + std::to_string(testing::free_port());
  RemoteRouterDriver driver(spec(admin), io_.get_executor());
  const std::string error = apply(driver, table(10));
  EXPECT_THAT(error, HasSubstr("builtin router admin " + admin + ": PUT /v1/routes: "));
}

TEST_F(RemoteRouter, ARefusalCarriesTheRoutersWords) {
  testing::RouterProcess router;
  ASSERT_TRUE(router.start());
  RemoteRouterDriver driver(spec(router.admin()), io_.get_executor());
  RouteTable bad = table(10);
  bad.canary = {"no-port"};
  EXPECT_THAT(apply(driver, bad), HasSubstr("HTTP 422: backends.canary[0]"));
}

// A fault only a fake can inject: another writer between our PUT and our read-back.
TEST_F(RemoteRouter, AReadBackAtAnotherRevisionIsNotAConfirmation) {
  testing::TestHttpServer fake;
  testing::Route route;
  route.handler = [&](const testing::ServerRequest& r) {
    testing::ServerReply reply;
    reply.status = 200;
    RouteDocument doc{"checkout", table(10)};
    reply.body = route_document_json(doc, r.method == "PUT" ? 5 : 6).dump();
    return reply;
  };
  fake.route("/v1/routes", route);
  RemoteRouterDriver driver(spec(fake.endpoint()), io_.get_executor());
  EXPECT_THAT(apply(driver, table(10)), HasSubstr("revision 6 after PUT set 5: another"));
}

TEST_F(RemoteRouter, TheReaderReplaysTheRoutersOutcomes) {
  testing::RouterProcess router;
  ASSERT_TRUE(router.start());
  RemoteRouterDriver driver(spec(router.admin()), io_.get_executor());
  ASSERT_EQ(apply(driver, table(25)), "");
  for (int i = 0; i < 40; ++i) testing::request_once(router.listen_port, "GET", "/");

  boost::asio::any_io_executor strand = boost::asio::make_strand(io_);
  RemoteOutcomeReader reader(router.admin(), strand);
  reader.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (on(strand, [&] { return reader.fetched(); }) < 40 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_EQ(on(strand, [&] { return reader.fetched(); }), 40u);
  on(strand, [&] {
    const TimePoint end = reader.complete_until() + 1s;
    const MetricReading canary = reader.reading(Role::Canary, BuiltinQuery::ErrorRate, end, 5min);
    EXPECT_TRUE(canary.ok()) << canary.error;
    EXPECT_EQ(canary.samples, 10);
    EXPECT_EQ(canary.value.at(0), 1.0);
    const MetricReading stable = reader.reading(Role::Stable, BuiltinQuery::ErrorRate, end, 5min);
    EXPECT_EQ(stable.samples, 30);
    EXPECT_EQ(stable.value.at(0), 0.0);
    std::vector<OutcomeBatch> batches;
    reader.batches(Role::Canary, end, 5min, batches);
    std::int64_t failures = 0;
    for (const OutcomeBatch& b : batches) failures += b.failures;
    EXPECT_EQ(failures, 10);
    return 0;
  });

  router.process.kill();  // the router gone: readings say so
  const auto gone = std::chrono::steady_clock::now() + 30s;
  while (on(strand, [&] { return reader.last_error(); }).empty() &&
         std::chrono::steady_clock::now() < gone)
    std::this_thread::sleep_for(20ms);
  const std::string error = on(strand, [&] {
    return reader.reading(Role::Canary, BuiltinQuery::ErrorRate, reader.complete_until(), 1min)
        .error;
  });
  EXPECT_THAT(error, HasSubstr("builtin router admin " + router.admin()));
}

}  // namespace
}  // namespace rollguard
