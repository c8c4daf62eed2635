// ctest: integration
// The process target against real processes (the demo app, sh, sleep) and real sockets.
// Nothing asserts on durations: the loop runs until a report or a process state shows up,
// with generous deadlines.
#include "controller/targets/process/process_target_driver.hpp"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "health/net/endpoint.hpp"
#include "support/child_process.hpp"
#include "support/port_block.hpp"
#include "support/test_http_client.hpp"
#include "tests/controller/targets/target_test_support.hpp"

namespace rollguard::testing {
namespace {

namespace net = boost::asio;

// A block of ports per test, apart from other test processes by pid (the allocator skips
// whatever is taken anyway).
InstanceTiming quick_timing() {
  InstanceTiming t;
  t.poll_interval = 50ms;
  t.stop_grace = 2s;
  return t;
}

ProcessTarget demo_target(std::vector<std::string> flags = {}, bool http = true) {
  ProcessTarget t;
  t.command = {ROLLGUARD_DEMO_APP, "--port", "{{port}}", "--version", "{{version}}"};
  t.command.insert(t.command.end(), flags.begin(), flags.end());
  std::tie(t.portFirst, t.portLast) = port_block(8);
  if (http) t.readiness.http = HttpCheck{};
  t.readiness.timeout = 30s;
  return t;
}

int port_of(const std::string& endpoint) {
  return parse_endpoint(endpoint)->port;
}

class ProcessTargetTest : public ::testing::Test {
 protected:
  ProcessTargetDriver& make(ProcessTarget spec, InstanceTiming timing = quick_timing()) {
    driver_ = std::make_unique<ProcessTargetDriver>(std::move(spec), "shop", loop.io.get_executor(),
                                                    timing);
    loop.watch(*driver_);
    return *driver_;
  }

  // Every test ends with an orderly shutdown that leaves no process behind.
  void TearDown() override {
    if (!driver_) return;
    std::vector<pid_t> pids;
    for (Role role : kRoles)
      for (pid_t pid : driver_->pids(role)) pids.push_back(pid);
    EXPECT_TRUE(loop.shut_down(*driver_));
    for (pid_t pid : pids) EXPECT_TRUE(process_gone(pid)) << pid;
  }

  bool all_gone(const std::vector<pid_t>& pids) {
    return loop.run_until([&] {
      return std::all_of(pids.begin(), pids.end(), [](pid_t p) { return process_gone(p); });
    });
  }

  DriverLoop loop;
  std::unique_ptr<ProcessTargetDriver> driver_;
};

struct ReadinessCase {
  const char* name;
  bool http;
};

class ProcessTargetReadiness : public ProcessTargetTest,
                               public ::testing::WithParamInterface<ReadinessCase> {};

TEST_P(ProcessTargetReadiness, StartsInstancesThatAnswerWithTheirVersion) {
  ProcessTarget spec = demo_target({}, GetParam().http);
  auto& driver = make(spec);
  driver.scale(Role::Canary, "2.0.0", 2);
  const TargetReport* ready = loop.wait_for(Role::Canary, [](auto& r) { return r.ready == 2; });
  ASSERT_TRUE(ready) << (loop.reports.empty() ? "no report" : loop.reports.back().failure);
  ASSERT_EQ(ready->endpoints.size(), 2u);
  EXPECT_TRUE(ready->failure.empty());
  std::set<int> ports;
  for (const auto& endpoint : ready->endpoints) {
    EXPECT_TRUE(endpoint.starts_with("127.0.0.1:")) << endpoint;
    const int port = port_of(endpoint);
    EXPECT_GE(port, spec.portFirst);
    EXPECT_LE(port, spec.portLast);
    ports.insert(port);
    TestHttpClient client(static_cast<std::uint16_t>(port));
    const auto response = client.get("/");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("X-Version"), "2.0.0");
  }
  EXPECT_EQ(ports.size(), 2u);
  const auto pids = driver.pids(Role::Canary);
  EXPECT_EQ(pids.size(), 2u);
  EXPECT_TRUE(driver.pids(Role::Stable).empty());

  // The same request again changes nothing.
  const std::size_t seen = loop.reports.size();
  driver.scale(Role::Canary, "2.0.0", 2);
  loop.run_until([] { return false; }, 300ms);
  EXPECT_EQ(driver.pids(Role::Canary), pids);
  EXPECT_EQ(loop.reports.size(), seen);
}

INSTANTIATE_TEST_SUITE_P(Checks, ProcessTargetReadiness,
                         ::testing::Values(ReadinessCase{"Http", true},
                                           ReadinessCase{"Tcp", false}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(ProcessTargetTest, SkipsAPortSomethingListensOn) {
  net::io_context io;
  net::ip::tcp::acceptor occupant(io, {net::ip::make_address("127.0.0.1"), 0});
  const int taken = occupant.local_endpoint().port();
  ProcessTarget spec = demo_target();
  spec.portFirst = taken;
  spec.portLast = std::min(taken + 3, 65535);
  auto& driver = make(spec);
  driver.scale(Role::Stable, "1.0.0", 1);
  const TargetReport* ready = loop.wait_for(Role::Stable, [](auto& r) { return r.ready == 1; });
  ASSERT_TRUE(ready) << (loop.reports.empty() ? "no report" : loop.reports.back().failure);
  const int port = port_of(ready->endpoints.at(0));
  EXPECT_NE(port, taken);
  EXPECT_GT(port, taken);
  EXPECT_LE(port, spec.portLast);
}

TEST_F(ProcessTargetTest, NotReadyInTimeIsAFailureAndTheInstanceIsStopped) {
  ProcessTarget spec = demo_target({"--fail-readiness"});
  spec.readiness.timeout = 500ms;
  auto& driver = make(spec);
  driver.scale(Role::Canary, "2.0.0", 1);
  ASSERT_TRUE(loop.run_until([&] { return !driver.pids(Role::Canary).empty(); }));
  const pid_t pid = driver.pids(Role::Canary).at(0);
  const TargetReport* failed = loop.wait_for(Role::Canary, has_failure);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->ready, 0);
  EXPECT_TRUE(failed->failure.starts_with("instance 0 of canary 2.0.0 (127.0.0.1:"))
      << failed->failure;
  EXPECT_TRUE(failed->failure.ends_with(") not ready after 500ms: expected status 200, got 503"))
      << failed->failure;
  EXPECT_TRUE(all_gone({pid}));
  EXPECT_TRUE(driver.pids(Role::Canary).empty());
}

TEST_F(ProcessTargetTest, ACrashIsAFailureWithItsExitStatusAndOutput) {
  auto& driver = make(demo_target({"--crash-after", "1s"}));
  driver.scale(Role::Canary, "2.0.0", 1);
  const TargetReport* ready = loop.wait_for(Role::Canary, [](auto& r) { return r.ready == 1; });
  ASSERT_TRUE(ready) << (loop.reports.empty() ? "no report" : loop.reports.back().failure);
  const std::string endpoint = ready->endpoints.at(0);
  const TargetReport* failed = loop.wait_for(Role::Canary, has_failure);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->ready, 0);
  EXPECT_TRUE(failed->endpoints.empty());
  EXPECT_EQ(failed->failure, "instance 0 of canary 2.0.0 (" + endpoint +
                                 ") exited with status 1: listening on " + endpoint +
                                 " rollguard-demo-app: crashing (--crash-after)");
  EXPECT_TRUE(driver.pids(Role::Canary).empty());
}

TEST_F(ProcessTargetTest, TemplatesAndEnvironmentReachTheInstance) {
  ProcessTarget spec;
  spec.command = {"sh",
                  "-c",
                  R"(echo "$0 $1 $2 $3 $4 {{weight}} $ROLLGUARD_ROLE $ROLLGUARD_VERSION )"
                  R"($ROLLGUARD_PORT $ROLLGUARD_INSTANCE $GREETING"; exit 3)",
                  "{{name}}",
                  "{{version}}",
                  "{{role}}",
                  "{{port}}",
                  "{{instance}}"};
  spec.env = {{"GREETING", "hello on {{port}}"}};
  // One port, so the expected text is exact: one the system just said is free, not one from
  // the block scheme that another test process may hold.
  {
    net::io_context io;
    net::ip::tcp::acceptor probe(io, {net::ip::make_address("127.0.0.1"), 0});
    spec.portFirst = spec.portLast = probe.local_endpoint().port();
  }
  auto& driver = make(spec);
  driver.scale(Role::Baseline, "1.4.2", 1);
  const TargetReport* failed = loop.wait_for(Role::Baseline, has_failure);
  ASSERT_TRUE(failed);
  const std::string port = std::to_string(spec.portFirst);
  const std::string endpoint = "127.0.0.1:" + port;
  EXPECT_EQ(failed->failure,
            "instance 0 of baseline 1.4.2 (" + endpoint +
                ") exited with status 3 before it was ready: shop 1.4.2 baseline " + port +
                " 0 {{weight}} baseline 1.4.2 " + port + " 0 hello on " + port);
}

TEST_F(ProcessTargetTest, ACommandThatCannotRunIsAFailure) {
  ProcessTarget spec = demo_target();
  spec.command = {"rollguard-no-such-program", "{{port}}"};
  auto& driver = make(spec);
  driver.scale(Role::Canary, "2.0.0", 1);
  const TargetReport* failed = loop.wait_for(Role::Canary, has_failure);
  ASSERT_TRUE(failed);
  EXPECT_TRUE(failed->failure.ends_with(
      ") could not start: cannot run \"rollguard-no-such-program\": no such file or directory"))
      << failed->failure;
}

TEST_F(ProcessTargetTest, AnExhaustedPortRangeIsAFailure) {
  ProcessTarget spec = demo_target();
  spec.command = {"sleep", "100"};
  std::tie(spec.portFirst, spec.portLast) = port_block(8);
  spec.portLast = spec.portFirst;
  auto& driver = make(spec);
  driver.scale(Role::Canary, "2.0.0", 2);
  const TargetReport* failed = loop.wait_for(Role::Canary, has_failure);
  ASSERT_TRUE(failed);
  const std::string port = std::to_string(spec.portFirst);
  EXPECT_EQ(failed->failure,
            "no free port in " + port + "-" + port + " for instance 1 of canary 2.0.0");
  EXPECT_EQ(driver.pids(Role::Canary).size(), 1u);
}

TEST_F(ProcessTargetTest, ScaleToZeroStopsTheProcesses) {
  auto& driver = make(demo_target());
  driver.scale(Role::Canary, "2.0.0", 2);
  ASSERT_TRUE(loop.wait_for(Role::Canary, [](auto& r) { return r.ready == 2; }));
  const auto pids = driver.pids(Role::Canary);
  ASSERT_EQ(pids.size(), 2u);
  const std::size_t seen = loop.reports.size();
  driver.scale(Role::Canary, "2.0.0", 0);
  const TargetReport* down = loop.wait_for(
      Role::Canary, [](auto& r) { return r.ready == 0; }, seen);
  ASSERT_TRUE(down);
  EXPECT_TRUE(down->endpoints.empty());
  EXPECT_TRUE(down->failure.empty());
  EXPECT_TRUE(all_gone(pids));
  EXPECT_TRUE(loop.run_until([&] { return driver.pids(Role::Canary).empty(); }));
}

TEST_F(ProcessTargetTest, ScalingDownStopsTheHighestInstances) {
  auto& driver = make(demo_target());
  driver.scale(Role::Stable, "1.0.0", 2);
  const TargetReport* two = loop.wait_for(Role::Stable, [](auto& r) { return r.ready == 2; });
  ASSERT_TRUE(two);
  const auto endpoints = two->endpoints;
  const std::size_t seen = loop.reports.size();
  driver.scale(Role::Stable, "1.0.0", 1);
  const TargetReport* one = loop.wait_for(
      Role::Stable, [](auto& r) { return r.ready == 1; }, seen);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->endpoints, std::vector<std::string>{endpoints.at(0)});
  EXPECT_TRUE(loop.run_until([&] { return driver.pids(Role::Stable).size() == 1; }));
}

TEST_F(ProcessTargetTest, ANewVersionReplacesTheRolesInstances) {
  auto& driver = make(demo_target());
  driver.scale(Role::Stable, "1.0.0", 1);
  ASSERT_TRUE(loop.wait_for(Role::Stable, [](auto& r) { return r.ready == 1; }));
  const auto old_pids = driver.pids(Role::Stable);
  ASSERT_EQ(old_pids.size(), 1u);
  const std::size_t seen = loop.reports.size();
  driver.scale(Role::Stable, "1.1.0", 1);
  const TargetReport* replaced = loop.wait_for(
      Role::Stable, [](auto& r) { return r.ready == 1; }, seen);
  ASSERT_TRUE(replaced);
  TestHttpClient client(static_cast<std::uint16_t>(port_of(replaced->endpoints.at(0))));
  EXPECT_EQ(client.get("/").header("X-Version"), "1.1.0");
  EXPECT_TRUE(all_gone(old_pids));
  EXPECT_EQ(driver.pids(Role::Stable).size(), 1u);
}

// sh ignores SIGTERM (and so does the sleep it starts: an ignored signal stays ignored across
// exec); only the SIGKILL after the grace period ends them.
TEST_F(ProcessTargetTest, AnInstanceThatIgnoresSigtermIsKilledAfterTheGrace) {
  const auto marker =
      std::filesystem::temp_directory_path() / ("rollguard-trap-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  ProcessTarget spec = demo_target();
  spec.command = {"sh", "-c", R"(trap "" TERM; : > "$0"; sleep 100)", marker.string()};
  spec.readiness.timeout = 60s;
  InstanceTiming timing = quick_timing();
  timing.stop_grace = 200ms;
  auto& driver = make(spec, timing);
  driver.scale(Role::Canary, "2.0.0", 1);
  ASSERT_TRUE(loop.run_until([&] { return std::filesystem::exists(marker); }));
  const auto pids = driver.pids(Role::Canary);
  ASSERT_EQ(pids.size(), 1u);
  driver.scale(Role::Canary, "2.0.0", 0);
  EXPECT_TRUE(all_gone(pids));
  std::filesystem::remove(marker);
}

// Run only as the child of the test below: starts one instance, prints its pid, and waits to
// be killed.
TEST(ProcessTargetOrphanHelper, DISABLED_StartsAnInstanceAndWaits) {
  const char* first = std::getenv("ROLLGUARD_ORPHAN_HELPER_PORT");
  if (first == nullptr) GTEST_SKIP() << "run by ProcessTargetTest.NoOrphansWhenRollguardIsKilled";
  ProcessTarget spec = demo_target();
  spec.portFirst = std::atoi(first);
  spec.portLast = spec.portFirst + 7;
  net::io_context io;
  ProcessTargetDriver driver(spec, "orphans", io.get_executor(), quick_timing());
  driver.on_report([&](const TargetReport& r) {
    if (r.ready == 1)
      std::cout << "\ninstance pid " << driver.pids(Role::Canary).at(0) << std::endl;
    if (!r.failure.empty()) std::cout << "\nfailure " << r.failure << std::endl;
  });
  driver.scale(Role::Canary, "2.0.0", 1);
  io.run_for(120s);
}

// rollguard SIGKILLed: no chance to clean up, yet its instance must die too. This test
// process becomes a subreaper for the while, so that the orphaned instance is its to reap.
TEST_F(ProcessTargetTest, NoOrphansWhenRollguardIsKilled) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  struct Unset {
    ~Unset() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  } unset;
  const std::string first = std::to_string(port_block(8).first);
  ::setenv("ROLLGUARD_ORPHAN_HELPER_PORT", first.c_str(), 1);
  ChildProcess helper;
  const std::string error =
      helper.start({"/proc/self/exe",
                    "--gtest_filter=ProcessTargetOrphanHelper.DISABLED_StartsAnInstanceAndWaits",
                    "--gtest_also_run_disabled_tests"});
  ::unsetenv("ROLLGUARD_ORPHAN_HELPER_PORT");
  ASSERT_EQ(error, "");
  pid_t instance = -1;
  const auto deadline = deadline_in(30s);
  while (auto line = helper.read_line(deadline)) {
    ASSERT_FALSE(line->starts_with("failure ")) << *line;
    if (line->starts_with("instance pid ")) {
      instance = std::stoi(line->substr(13));
      break;
    }
  }
  ASSERT_GT(instance, 0) << "the helper never reported a ready instance";
  ASSERT_FALSE(process_gone(instance));
  helper.kill();  // SIGKILL, and reaped

  int status = 0;
  pid_t reaped = 0;
  const auto until = deadline_in(20s);
  while (reaped == 0 && std::chrono::steady_clock::now() < until) {
    reaped = ::waitpid(instance, &status, WNOHANG);
    if (reaped == 0) std::this_thread::sleep_for(5ms);
  }
  if (reaped != instance) ::kill(instance, SIGKILL);
  ASSERT_EQ(reaped, instance) << "the instance outlived rollguard";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace rollguard::testing
