// ctest: integration
// The nginx router against a real nginx (Debian's nginx-light) started by the test with its
// own prefix and config on a free loopback port, a master and one worker: the router rewrites
// the included upstream file and reloads; the split is checked by counting who answers
// requests sent through nginx once the master has replaced its worker.
#include "controller/routers/nginx/nginx_router_driver.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "controller/support/proxy_process.hpp"
#include "controller/support/router_harness.hpp"
#include "support/demo_app_process.hpp"
#include "support/free_port.hpp"
#include "tests/health/run_until.hpp"

namespace rollguard {
namespace {

using router_test::count_of;
using router_test::describe;

constexpr const char* kNginx = "/usr/sbin/nginx";

std::string nginx_config(const router_test::ScratchDir& dir, std::uint16_t port) {
  const std::string tmp = dir.file("tmp");
  return "daemon off;\n"
         "worker_processes 1;\n"
         "pid " +
         dir.file("nginx.pid") +
         ";\n"
         "error_log " +
         dir.file("error.log") +
         " notice;\n"
         "events { worker_connections 256; }\n"
         "http {\n"
         "  access_log off;\n"
         "  client_body_temp_path " +
         tmp +
         "/body;\n"
         "  proxy_temp_path " +
         tmp +
         "/proxy;\n"
         "  fastcgi_temp_path " +
         tmp +
         "/fastcgi;\n"
         "  uwsgi_temp_path " +
         tmp +
         "/uwsgi;\n"
         "  scgi_temp_path " +
         tmp +
         "/scgi;\n"
         "  keepalive_timeout 0;\n"
         "  include " +
         dir.file("app.upstream.conf") +
         ";\n"
         // How an operator sends the preview header to the router's preview upstream.
         "  map $http_x_rollguard_preview $app_pool { default app; \"~.\" app_preview; }\n"
         "  server {\n"
         "    listen 127.0.0.1:" +
         std::to_string(port) +
         ";\n"
         "    location / { proxy_pass http://$app_pool; }\n"
         "  }\n"
         "}\n";
}

// nginx with the stable version only, as an operator's file would be before any rollout.
std::string initial_upstream(std::uint16_t stable) {
  const std::string server = "server 127.0.0.1:" + std::to_string(stable) + ";";
  return "upstream app { " + server + " }\nupstream app_preview { " + server + " }\n";
}

struct NginxInstance {
  router_test::ScratchDir dir;
  router_test::ProxyProcess nginx;
  std::uint16_t port = 0;

  // Empty on success.
  std::string start(std::uint16_t stable) {
    port = testing::free_port();
    std::filesystem::create_directories(dir.file("tmp"));
    router_test::write_text(dir.file("nginx.conf"), nginx_config(dir, port));
    router_test::write_text(dir.file("app.upstream.conf"), initial_upstream(stable));
    if (auto error = nginx.start({kNginx, "-p", dir.path(), "-c", dir.file("nginx.conf")},
                                 "nginx-light", dir.file("nginx.out"));
        !error.empty())
      return error;
    const bool up = testing::eventually(
        [&] {
          return nginx.exited() || (router_test::tcp_accepts(port) &&
                                    router_test::children_of(nginx.pid()).size() == 1);
        },
        std::chrono::seconds(20));
    if (!up || nginx.exited()) return "nginx did not come up: " + log();
    return "";
  }
  Argv reload() const {
    return {kNginx, "-p", dir.path(), "-c", dir.file("nginx.conf"), "-s", "reload"};
  }
  std::string log() const { return nginx.log() + router_test::read_text(dir.file("error.log")); }
};

struct NginxWorld {
  testing::DemoAppProcess stable, canary;
  NginxInstance nginx;
  std::string error;

  void start() {
    if (auto ok = stable.start({"--version", "1.0.0"}); !ok) return fail(ok.message());
    if (auto ok = canary.start({"--version", "2.0.0"}); !ok) return fail(ok.message());
    if (auto e = nginx.start(stable.port); !e.empty()) fail(e);
  }
  void fail(std::string why) { error = "nginx test setup: " + std::move(why); }
  ~NginxWorld() { nginx.nginx.stop(SIGQUIT); }  // graceful: the master takes its worker along
};

class NginxRouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new NginxWorld;
    world_->start();
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(world_->error.empty()) << world_->error; }

  NginxRouter spec() const { return NginxRouter{upstream_file(), world_->nginx.reload()}; }
  std::string upstream_file() const { return world_->nginx.dir.file("app.upstream.conf"); }
  std::string stable() const { return "127.0.0.1:" + std::to_string(world_->stable.port); }
  std::string canary() const { return "127.0.0.1:" + std::to_string(world_->canary.port); }
  RouteTable table(TrafficSplit split, bool preview = false) const {
    return RouteTable{split, preview, {stable()}, {canary()}, {}};
  }

  std::string apply(const NginxRouter& s, const RouteTable& t) {
    NginxRouterDriver router(s, io_.get_executor());
    return router_test::apply_and_wait(io_, router, t);
  }

  // Applies and then waits until nginx's master has swapped its worker for one started with
  // the new configuration (the reload itself is asynchronous inside nginx).
  ::testing::AssertionResult apply_and_await_reload(const RouteTable& t) {
    const pid_t master = world_->nginx.nginx.pid();
    const auto before = router_test::children_of(master);
    if (auto error = apply(spec(), t); !error.empty())
      return ::testing::AssertionFailure() << error;
    const bool swapped = testing::eventually(
        [&] {
          const auto now = router_test::children_of(master);
          return now.size() == 1 && !before.count(*now.begin());
        },
        std::chrono::seconds(20));
    if (!swapped)
      return ::testing::AssertionFailure() << "nginx kept its old worker: " << world_->nginx.log();
    return ::testing::AssertionSuccess();
  }

  static NginxWorld* world_;
  boost::asio::io_context io_;
};

NginxWorld* NginxRouterTest::world_ = nullptr;

struct NginxSplitCase {
  std::string name;
  TrafficSplit split;
  int expect_canary = 0;  // of 200 requests
  int tolerance = 0;
};

class NginxSplit : public NginxRouterTest, public ::testing::WithParamInterface<NginxSplitCase> {};

TEST_P(NginxSplit, TrafficThroughNginxFollowsTheSplit) {
  const NginxSplitCase& c = GetParam();
  ASSERT_TRUE(apply_and_await_reload(table(c.split)));
  const auto counts = router_test::count_versions(world_->nginx.port, 200);
  EXPECT_EQ(count_of(counts, "1.0.0") + count_of(counts, "2.0.0"), 200) << describe(counts);
  EXPECT_NEAR(count_of(counts, "2.0.0"), c.expect_canary, c.tolerance) << describe(counts);
}

// nginx's smooth weighted round robin is deterministic; the tolerance allows only for where
// in its cycle the 200 requests start.
INSTANTIATE_TEST_SUITE_P(Splits, NginxSplit,
                         ::testing::Values(NginxSplitCase{"AllStable", {100, 0, 0}, 0, 0},
                                           NginxSplitCase{"Half", {50, 50, 0}, 100, 2},
                                           NginxSplitCase{"AllCanary", {0, 100, 0}, 200, 0},
                                           NginxSplitCase{"FivePercent", {95, 5, 0}, 10, 2}),
                         [](const auto& info) { return info.param.name; });

TEST_F(NginxRouterTest, PreviewHeaderReachesTheCanaryOnly) {
  ASSERT_TRUE(apply_and_await_reload(table({100, 0, 0}, true)));
  auto plain = router_test::count_versions(world_->nginx.port, 20);
  auto preview =
      router_test::count_versions(world_->nginx.port, 20, {{"X-Rollguard-Preview", "1"}});
  EXPECT_EQ(count_of(plain, "1.0.0"), 20) << describe(plain);
  EXPECT_EQ(count_of(preview, "2.0.0"), 20) << describe(preview);

  ASSERT_TRUE(apply_and_await_reload(table({100, 0, 0}, false)));
  preview = router_test::count_versions(world_->nginx.port, 20, {{"X-Rollguard-Preview", "1"}});
  EXPECT_EQ(count_of(preview, "1.0.0"), 20) << describe(preview);
}

TEST_F(NginxRouterTest, WritesTheUpstreamFileItReports) {
  ASSERT_TRUE(apply_and_await_reload(table({95, 5, 0})));
  const std::string text = router_test::read_text(upstream_file());
  EXPECT_NE(text.find("upstream app {\n    server " + stable() +
                      " weight=19;  # stable\n"
                      "    server " +
                      canary() + " weight=1;  # canary\n}\n"),
            std::string::npos)
      << text;
}

struct NginxFailureCase {
  std::string name;
  std::function<Argv(const NginxInstance&)> reload;
  std::string expect;          // part of the error
  bool file_restored = false;  // the previous upstream file is back in place
};

class NginxFailure : public NginxRouterTest,
                     public ::testing::WithParamInterface<NginxFailureCase> {};

TEST_P(NginxFailure, ReportsTheCommandAndWhatItSaid) {
  const NginxFailureCase& c = GetParam();
  ASSERT_TRUE(apply_and_await_reload(table({100, 0, 0})));
  const std::string before = router_test::read_text(upstream_file());
  const std::string error =
      apply(NginxRouter{upstream_file(), c.reload(world_->nginx)}, table({50, 50, 0}));
  EXPECT_TRUE(error.starts_with("nginx " + upstream_file() + ": ")) << error;
  EXPECT_NE(error.find(c.expect), std::string::npos) << error;
  if (c.file_restored) {
    EXPECT_EQ(router_test::read_text(upstream_file()), before);
  }
  // Still serving the old configuration.
  const auto counts = router_test::count_versions(world_->nginx.port, 20);
  EXPECT_EQ(count_of(counts, "1.0.0"), 20) << describe(counts);
}

INSTANTIATE_TEST_SUITE_P(
    Failures, NginxFailure,
    ::testing::Values(
        // The config test (derived from the reload command) cannot read the main config.
        NginxFailureCase{
            "ConfigRejected",
            [](const NginxInstance& n) {
              return Argv{kNginx, "-p",    n.dir.path(), "-c", n.dir.file("missing.conf"),
                          "-s",   "reload"};
            },
            "config test did not pass, previous upstream file restored: `/usr/sbin/nginx -p ",
            true},
        NginxFailureCase{"ReloadExitsNonZero", [](const NginxInstance&) { return Argv{"false"}; },
                         "reload failed: `false` exited with 1 (no output)"},
        NginxFailureCase{"TestCannotRun",
                         [](const NginxInstance&) {
                           return Argv{"/nonexistent/nginx", "-s", "reload"};
                         },
                         "config test did not pass, previous upstream file restored: "
                         "`/nonexistent/nginx -t`: cannot run \"/nonexistent/nginx\"",
                         true},
        NginxFailureCase{"ReloadMissing",
                         [](const NginxInstance&) { return Argv{"/nonexistent/reload-nginx"}; },
                         "reload failed: `/nonexistent/reload-nginx`: cannot run"}),
    [](const auto& info) { return info.param.name; });

TEST_F(NginxRouterTest, ARoleWithTrafficNeedsEndpoints) {
  const std::string before = router_test::read_text(upstream_file());
  RouteTable t = table({50, 50, 0});
  t.canary.clear();
  EXPECT_EQ(apply(spec(), t),
            "nginx " + upstream_file() + ": no canary endpoints for its 50% of traffic");
  EXPECT_EQ(router_test::read_text(upstream_file()), before);
}

// A second nginx of its own, confirmed while up, then stopped: the reload must fail.
TEST_F(NginxRouterTest, ReportsAnNginxThatHasGoneDown) {
  NginxInstance other;
  ASSERT_EQ(other.start(world_->stable.port), "");
  const NginxRouter s{other.dir.file("app.upstream.conf"), other.reload()};
  EXPECT_EQ(apply(s, table({90, 10, 0})), "");
  other.nginx.stop(SIGQUIT);
  const std::string error = apply(s, table({100, 0, 0}));
  EXPECT_TRUE(error.starts_with("nginx " + s.upstreamFile + ": reload failed: `/usr/sbin/nginx"))
      << error;
}

}  // namespace
}  // namespace rollguard
