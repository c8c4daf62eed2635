// ctest: integration
// The HAProxy router against a real HAProxy (the Debian package) started on loopback with a
// test-generated config: two demo apps of different versions behind it, weights set through
// the runtime API, and the split checked by counting who answers requests sent through it.
#include "controller/routers/haproxy/haproxy_router_driver.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <memory>

#include "controller/routers/haproxy/haproxy_runtime_api.hpp"
#include "controller/support/proxy_process.hpp"
#include "controller/support/router_harness.hpp"
#include "support/demo_app_process.hpp"
#include "support/free_port.hpp"
#include "tests/health/run_until.hpp"

namespace rollguard {
namespace {

using router_test::count_of;
using router_test::describe;

constexpr const char* kHaproxy = "/usr/sbin/haproxy";

std::string haproxy_config(const router_test::ScratchDir& dir, std::uint16_t port,
                           std::uint16_t pool_port, std::uint16_t api_port, std::uint16_t stable,
                           std::uint16_t canary) {
  const std::string s = std::to_string(stable), c = std::to_string(canary);
  return "global\n"
         "  stats socket " +
         dir.file("admin.sock") +
         " mode 600 level admin\n"
         "  stats socket ipv4@127.0.0.1:" +
         std::to_string(api_port) +
         " level admin\n"
         "defaults\n"
         "  mode http\n"
         "  timeout connect 2s\n"
         "  timeout client 10s\n"
         "  timeout server 10s\n"
         "frontend app\n"
         "  bind 127.0.0.1:" +
         std::to_string(port) +
         "\n"
         "  default_backend app\n"
         "backend app\n"
         "  balance roundrobin\n"
         "  server s1 127.0.0.1:" +
         s +
         " weight 1\n"
         "  server s2 127.0.0.1:" +
         c +
         " weight 1\n"
         // Slots that point nowhere until the router gives them the route table's endpoints.
         "frontend pool\n"
         "  bind 127.0.0.1:" +
         std::to_string(pool_port) +
         "\n"
         "  default_backend pool\n"
         "backend pool\n"
         "  balance roundrobin\n"
         "  server p1 127.0.0.1:9 weight 1\n"
         "  server p2 127.0.0.1:9 weight 1\n"
         "  server p3 127.0.0.1:9 weight 1\n";
}

// One HAProxy and two demo apps (1.0.0 stable, 2.0.0 canary) for the whole suite.
struct HaproxyWorld {
  router_test::ScratchDir dir;
  testing::DemoAppProcess stable, canary;
  router_test::ProxyProcess haproxy;
  std::uint16_t port = 0, pool_port = 0, api_port = 0;
  std::string error;

  std::string socket() const { return "unix:" + dir.file("admin.sock"); }

  void start() {
    if (auto ok = stable.start({"--version", "1.0.0"}); !ok) return fail(ok.message());
    if (auto ok = canary.start({"--version", "2.0.0"}); !ok) return fail(ok.message());
    const std::vector<std::uint16_t> ports = testing::free_ports(3);
    port = ports[0];
    pool_port = ports[1];
    api_port = ports[2];
    router_test::write_text(dir.file("haproxy.cfg"), haproxy_config(dir, port, pool_port, api_port,
                                                                    stable.port, canary.port));
    error = haproxy.start({kHaproxy, "-db", "-f", dir.file("haproxy.cfg")}, "haproxy",
                          dir.file("haproxy.log"));
    if (!error.empty()) return;
    const bool up = testing::eventually(
        [&] {
          return haproxy.exited() || (router_test::tcp_accepts(port) &&
                                      router_test::unix_accepts(dir.file("admin.sock")));
        },
        std::chrono::seconds(20));
    if (!up || haproxy.exited()) fail("haproxy did not come up: " + haproxy.log());
  }
  void fail(std::string why) { error = "haproxy test setup: " + std::move(why); }
};

class HaproxyRouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new HaproxyWorld;
    world_->start();
  }
  static void TearDownTestSuite() {
    delete world_;  // stops haproxy, then the demo apps, then removes the directory
    world_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(world_->error.empty()) << world_->error; }

  HaproxyRouter spec() const {
    HaproxyRouter s;
    s.runtimeApi = world_->socket();
    s.backend = "app";
    s.stable = {"s1"};
    s.canary = {"s2"};
    return s;
  }
  std::string apply(const HaproxyRouter& s, const RouteTable& table) {
    HaproxyRouterDriver router(s, io_.get_executor());
    return router_test::apply_and_wait(io_, router, table);
  }
  std::string runtime(const std::string& command) {
    return testing::run_until_done<std::string>(io_, [&](std::function<void(std::string)> done) {
      runtime_api_command(io_.get_executor(), world_->socket(), command, 2s,
                          [done](RuntimeApiReply r) { done(r.ok() ? r.text : r.error); });
    });
  }

  static HaproxyWorld* world_;
  boost::asio::io_context io_;
};

HaproxyWorld* HaproxyRouterTest::world_ = nullptr;

struct HaproxySplitCase {
  std::string name;
  TrafficSplit split;
  bool preview = false;
  int expect_canary = 0;  // of 200 requests
  int tolerance = 0;
};

class HaproxySplit : public HaproxyRouterTest,
                     public ::testing::WithParamInterface<HaproxySplitCase> {};

TEST_P(HaproxySplit, TrafficThroughHaproxyFollowsTheSplit) {
  const HaproxySplitCase& c = GetParam();
  ASSERT_EQ(apply(spec(), RouteTable{c.split, c.preview, {}, {}, {}}), "");
  const auto counts = router_test::count_versions(world_->port, 200);
  EXPECT_EQ(count_of(counts, "1.0.0") + count_of(counts, "2.0.0"), 200) << describe(counts);
  EXPECT_NEAR(count_of(counts, "2.0.0"), c.expect_canary, c.tolerance) << describe(counts);
}

// Round robin over weights is deterministic, so the tolerances are small: they only allow
// for where in HAProxy's cycle the 200 requests start.
INSTANTIATE_TEST_SUITE_P(
    Splits, HaproxySplit,
    ::testing::Values(HaproxySplitCase{"AllStable", {100, 0, 0}, false, 0, 0},
                      HaproxySplitCase{"Half", {50, 50, 0}, false, 100, 2},
                      HaproxySplitCase{"AllCanary", {0, 100, 0}, false, 200, 0},
                      HaproxySplitCase{"FivePercent", {95, 5, 0}, false, 10, 2},
                      // No header rule in this config: preview changes nothing and is no error.
                      HaproxySplitCase{"PreviewWithoutARule", {100, 0, 0}, true, 0, 0}),
    [](const auto& info) { return info.param.name; });

TEST_F(HaproxyRouterTest, SetsWeightsThatReadBackThroughTheRuntimeApi) {
  ASSERT_EQ(apply(spec(), RouteTable{{95, 5, 0}, false, {}, {}, {}}), "");
  EXPECT_EQ(runtime("get weight app/s1"), "19 (initial 1)");
  EXPECT_EQ(runtime("get weight app/s2"), "1 (initial 1)");
}

TEST_F(HaproxyRouterTest, WorksOverATcpRuntimeApi) {
  HaproxyRouter s = spec();
  s.runtimeApi = "127.0.0.1:" + std::to_string(world_->api_port);
  ASSERT_EQ(apply(s, RouteTable{{0, 100, 0}, false, {}, {}, {}}), "");
  const auto counts = router_test::count_versions(world_->port, 50);
  EXPECT_EQ(count_of(counts, "2.0.0"), 50) << describe(counts);
}

TEST_F(HaproxyRouterTest, PointsServerSlotsAtTheRouteTablesEndpoints) {
  HaproxyRouter s = spec();
  s.backend = "pool";
  s.stable = {"p1", "p3"};  // p3 has no endpoint: weight 0, address untouched
  s.canary = {"p2"};
  const std::string stable = "127.0.0.1:" + std::to_string(world_->stable.port);
  const std::string canary = "127.0.0.1:" + std::to_string(world_->canary.port);
  ASSERT_EQ(apply(s, RouteTable{{50, 50, 0}, false, {stable}, {canary}, {}}), "");
  auto counts = router_test::count_versions(world_->pool_port, 100);
  EXPECT_NEAR(count_of(counts, "2.0.0"), 50, 2) << describe(counts);
  EXPECT_EQ(count_of(counts, "1.0.0") + count_of(counts, "2.0.0"), 100) << describe(counts);
  EXPECT_EQ(runtime("get weight pool/p3"), "0 (initial 1)");

  // The roles trade places: the same slots now point the other way round.
  ASSERT_EQ(apply(s, RouteTable{{100, 0, 0}, false, {canary}, {stable}, {}}), "");
  counts = router_test::count_versions(world_->pool_port, 50);
  EXPECT_EQ(count_of(counts, "2.0.0"), 50) << describe(counts);
}

TEST_F(HaproxyRouterTest, AServerInMaintenanceIsNotAConfirmation) {
  ASSERT_EQ(runtime("set server app/s2 state maint"), "");
  const std::string error = apply(spec(), RouteTable{{50, 50, 0}, false, {}, {}, {}});
  EXPECT_EQ(runtime("set server app/s2 state ready"), "");
  EXPECT_NE(error.find("haproxy " + world_->socket() +
                       ": server app/s2 should take traffic but "
                       "is in maintenance"),
            std::string::npos)
      << error;
}

struct HaproxyFailureCase {
  std::string name;
  std::function<void(HaproxyRouter&)> change;
  std::string expect;  // part of the error
};

class HaproxyFailure : public HaproxyRouterTest,
                       public ::testing::WithParamInterface<HaproxyFailureCase> {};

TEST_P(HaproxyFailure, ReportsThePeerAndWhatItSaid) {
  HaproxyRouter s = spec();
  GetParam().change(s);
  const std::string error = apply(s, RouteTable{{90, 10, 0}, false, {}, {}, {}});
  EXPECT_NE(error.find(GetParam().expect), std::string::npos) << error;
  EXPECT_TRUE(error.starts_with("haproxy " + s.runtimeApi + ": ")) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Failures, HaproxyFailure,
    ::testing::Values(
        HaproxyFailureCase{
            "WrongSocketPath",
            [](HaproxyRouter& s) { s.runtimeApi = "unix:/nonexistent/rollguard.sock"; },
            "set weight app/s1 9: no such file or directory"},
        HaproxyFailureCase{"NothingListening",
                           [](HaproxyRouter& s) {
                             s.runtimeApi = "127.0.0.1:" + std::to_string(testing::free_port());
                           },
                           "connection refused"},
        HaproxyFailureCase{"UnknownBackend", [](HaproxyRouter& s) { s.backend = "nope"; },
                           "set weight nope/s1 9: No such backend."},
        HaproxyFailureCase{"UnknownServer", [](HaproxyRouter& s) { s.canary = {"s9"}; },
                           "set weight app/s9 1: No such server."},
        HaproxyFailureCase{"NoCanaryServer", [](HaproxyRouter& s) { s.canary.clear(); },
                           "backend app has no canary server for its 10% of traffic"}),
    [](const auto& info) { return info.param.name; });

// A second HAProxy of its own, confirmed while up, then stopped: the router must say so.
TEST_F(HaproxyRouterTest, ReportsAnHaproxyThatHasGoneDown) {
  router_test::ScratchDir dir;
  router_test::ProxyProcess haproxy;
  const std::vector<std::uint16_t> ports = testing::free_ports(3);
  const std::uint16_t port = ports[0];
  router_test::write_text(
      dir.file("haproxy.cfg"),
      haproxy_config(dir, port, ports[1], ports[2], world_->stable.port, world_->canary.port));
  ASSERT_EQ(haproxy.start({kHaproxy, "-db", "-f", dir.file("haproxy.cfg")}, "haproxy",
                          dir.file("haproxy.log")),
            "");
  ASSERT_TRUE(testing::eventually([&] { return router_test::unix_accepts(dir.file("admin.sock")); },
                                  std::chrono::seconds(20)))
      << haproxy.log();
  HaproxyRouter s = spec();
  s.runtimeApi = "unix:" + dir.file("admin.sock");
  EXPECT_EQ(apply(s, RouteTable{{90, 10, 0}, false, {}, {}, {}}), "");
  haproxy.stop(SIGTERM);
  const std::string error = apply(s, RouteTable{{100, 0, 0}, false, {}, {}, {}});
  EXPECT_TRUE(error.starts_with("haproxy " + s.runtimeApi + ": set weight app/s1 1: ")) << error;
}

}  // namespace
}  // namespace rollguard
