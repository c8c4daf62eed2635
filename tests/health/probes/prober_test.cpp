// ctest: integration
#include "health/probes/prober.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/health/run_until.hpp"
#include "tests/support/test_http_server.hpp"

namespace rollguard {
namespace {

using testing::answering;
using testing::Behaviour;
using testing::Route;
using testing::ServerReply;
using testing::ServerRequest;
using testing::TestHttpServer;

ProbeResult probe_once(boost::asio::io_context& io, Prober& prober, ProbeRequest request) {
  return testing::run_until_done<ProbeResult>(
      io, [&](std::function<void(ProbeResult)> done) { prober.probe(request, std::move(done)); });
}

Route probe_peer(Behaviour b) {
  Route r;
  r.behaviour = b;
  r.reply = {200, "ok", {}};
  r.delay = 60s;  // for Slow: far past any probe timeout here
  return r;
}

Route needs_header(const std::string& name) {
  Route r;
  r.handler = [name](const ServerRequest& req) {
    bool has = req.headers.count(name) > 0;
    return ServerReply{has ? 200 : 400, has ? "ok" : "missing " + name, {}};
  };
  return r;
}

HttpCheck http_check(std::vector<int> statuses = {200}, std::string body_contains = {}) {
  HttpCheck c;
  c.path = "/probe";
  c.expectStatus = std::move(statuses);
  c.bodyContains = std::move(body_contains);
  return c;
}

struct HttpCase {
  std::string name;
  Route route;
  HttpCheck check;
  bool ok;
  std::string reason;
};

class HttpProbe : public ::testing::TestWithParam<HttpCase> {};

TEST_P(HttpProbe, Judges) {
  const auto& c = GetParam();
  TestHttpServer server;
  server.route("/probe", c.route);
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  ProbeResult r = probe_once(io, prober, {c.check, server.endpoint(), 200ms, {}});
  EXPECT_EQ(r.ok, c.ok);
  EXPECT_EQ(r.reason, c.reason);
}

HttpCheck with_header(HttpCheck c) {
  c.method = "HEAD";
  c.headers["X-Probe"] = "1";
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpProbe,
    ::testing::Values(
        HttpCase{"Success", answering(200, "ok"), http_check(), true, ""},
        HttpCase{"BodyContains", answering(200, "all ok here"), http_check({200}, "ok"), true, ""},
        HttpCase{"WrongStatus", answering(503, "down"), http_check(), false,
                 "expected status 200, got 503"},
        HttpCase{"NoneOfSeveralStatuses", answering(500, ""), http_check({200, 204, 301}), false,
                 "expected status 200, 204 or 301, got 500"},
        HttpCase{"EmptyStatusSetMeans2xxOr3xx", answering(302, ""), http_check({}), true, ""},
        HttpCase{"EmptyStatusSetRejects4xx", answering(404, ""), http_check({}), false,
                 "expected status 2xx or 3xx, got 404"},
        HttpCase{"BodyMismatch", answering(200, "{\"status\":\"degraded\"}\n"),
                 http_check({200}, "healthy"), false,
                 "body does not contain \"healthy\": {\"status\":\"degraded\"} "},
        HttpCase{"MethodAndHeadersAreSent", needs_header("x-probe"), with_header(http_check()),
                 true, ""},
        HttpCase{"HungPeer", probe_peer(Behaviour::Hang), http_check(), false,
                 "timed out after 200ms"},
        HttpCase{"SlowPeer", probe_peer(Behaviour::Slow), http_check(), false,
                 "timed out after 200ms"},
        HttpCase{"Reset", probe_peer(Behaviour::Reset), http_check(), false,
                 "connection reset by peer"},
        HttpCase{"Garbage", probe_peer(Behaviour::Garbage), http_check(), false,
                 "malformed response: bad version"}),
    [](const auto& info) { return info.param.name; });

std::uint16_t closed_port() {
  TestHttpServer gone;
  return gone.port();  // nothing listens there once `gone` is destroyed
}

TEST(HttpProbe, ConnectionRefused) {
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  std::string endpoint = "127.0.0.1:" + std::to_string(closed_port());
  ProbeResult r = probe_once(io, prober, {http_check(), endpoint, 1s, {}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "connection refused");
}

TEST(HttpProbe, ManyProbesShareOneKeepAliveConnection) {
  TestHttpServer server;
  server.answer("/probe", 200, "ok");
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  for (int i = 0; i < 100; ++i) {
    ProbeResult r = probe_once(io, prober, {http_check(), server.endpoint(), 1s, {}});
    ASSERT_TRUE(r.ok) << r.reason;
  }
  EXPECT_EQ(server.requests_received(), 100);
  EXPECT_EQ(server.connections_accepted(), 1);
}

// A peer that never answers holds a socket and a timer, nothing else: probes to healthy peers
// on the same single-threaded io_context finish while it is still waiting.
TEST(HttpProbe, HungPeerDoesNotDelayOthers) {
  TestHttpServer hung, healthy;
  hung.route("/probe", probe_peer(Behaviour::Hang));
  healthy.answer("/probe", 200, "ok");
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  std::optional<ProbeResult> hung_result;
  prober.probe({http_check(), hung.endpoint(), 60s, {}},
               [&](ProbeResult r) { hung_result = std::move(r); });
  int healthy_ok = 0;
  int outstanding = 0;
  std::function<void(int)> loop = [&](int left) {
    if (left == 0) return;
    ++outstanding;
    prober.probe({http_check(), healthy.endpoint(), 60s, {}}, [&, left](ProbeResult r) {
      --outstanding;
      healthy_ok += r.ok;
      loop(left - 1);
    });
  };
  for (int i = 0; i < 3; ++i) loop(50);
  while (outstanding > 0 && io.run_one() > 0) {
  }
  EXPECT_EQ(outstanding, 0);
  EXPECT_EQ(healthy_ok, 150);
  EXPECT_FALSE(hung_result.has_value());
  EXPECT_TRUE(testing::eventually([&] { return hung.requests_received() == 1; }));
}

// The keep-alive pool and the per-connection strands under several io_context threads.
TEST(HttpProbe, ConcurrentLoopsOnSeveralThreads) {
  TestHttpServer a(2), b(2);
  a.answer("/probe", 200, "ok");
  b.answer("/probe", 503, "down");
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  std::atomic<int> ok{0}, failed{0};
  std::function<void(const std::string&, int)> loop = [&](const std::string& endpoint, int left) {
    if (left == 0) return;
    prober.probe({http_check(), endpoint, 5s, {}}, [&, endpoint, left](ProbeResult r) {
      (r.ok ? ok : failed)++;
      loop(endpoint, left - 1);
    });
  };
  for (int i = 0; i < 4; ++i) {
    loop(a.endpoint(), 100);
    loop(b.endpoint(), 100);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(failed.load(), 400);
  EXPECT_LE(a.connections_accepted(), 4);
  EXPECT_LE(b.connections_accepted(), 4);
}

TEST(TcpProbe, OpenPort) {
  TestHttpServer server;
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  ProbeResult r = probe_once(io, prober, {TcpCheck{}, server.endpoint(), 1s, {}});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(testing::eventually([&] { return server.connections_accepted() == 1; }));
}

TEST(TcpProbe, ClosedPort) {
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  std::string endpoint = "127.0.0.1:" + std::to_string(closed_port());
  ProbeResult r = probe_once(io, prober, {TcpCheck{}, endpoint, 1s, {}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "connection refused");
}

TEST(TcpProbe, InvalidEndpoint) {
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  ProbeResult r = probe_once(io, prober, {TcpCheck{}, "127.0.0.1", 1s, {}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "invalid endpoint \"127.0.0.1\" (expected host:port)");
}

struct ExecCase {
  std::string name;
  Argv command;
  StringMap vars;
  bool ok;
  std::string reason;
};

class ExecProbe : public ::testing::TestWithParam<ExecCase> {};

TEST_P(ExecProbe, Judges) {
  const auto& c = GetParam();
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  ProbeResult r = probe_once(io, prober, {ExecCheck{c.command}, "127.0.0.1:4321", 5s, c.vars});
  EXPECT_EQ(r.ok, c.ok);
  EXPECT_EQ(r.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExecProbe,
    ::testing::Values(
        ExecCase{"ExitZero", {"true"}, {}, true, ""},
        ExecCase{"ExitThreeQuotesOutput",
                 {"sh", "-c", "echo checking; echo 'db unreachable' >&2; exit 3"},
                 {},
                 false,
                 "exit code 3: checking db unreachable"},
        ExecCase{"TemplatesPerArgument",
                 {"sh", "-c", "test \"$0\" = 4321 && test \"$1\" = 'canary 2'", "{{port}}",
                  "{{role}} {{instance}}"},
                 {{"role", "canary"}, {"instance", "2"}},
                 true,
                 ""},
        ExecCase{"NoShellInterpretation", {"echo", "$(exit 1)", ";", "false"}, {}, true, ""},
        ExecCase{"KilledBySignal", {"sh", "-c", "kill -TERM $$"}, {}, false, "killed by signal 15"},
        ExecCase{"NoSuchBinary",
                 {"rollguard-no-such-binary"},
                 {},
                 false,
                 "cannot run \"rollguard-no-such-binary\": no such file or directory"},
        ExecCase{"EmptyCommand", {}, {}, false, "empty command"}),
    [](const auto& info) { return info.param.name; });

bool process_gone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'Z';
}

TEST(ExecProbe, TimeoutKillsTheWholeProcessGroup) {
  boost::asio::io_context io;
  NetworkProber prober(io.get_executor());
  // The shell starts a grandchild and reports its pid; both must be gone after the timeout.
  ExecCheck check{{"sh", "-c", "sleep 60 & echo $!; wait"}};
  ProbeResult r = probe_once(io, prober, {check, "127.0.0.1:1", 300ms, {}});
  EXPECT_FALSE(r.ok);
  const std::string prefix = "timed out after 300ms (process group killed): ";
  ASSERT_EQ(r.reason.substr(0, prefix.size()), prefix) << r.reason;
  int grandchild = std::stoi(r.reason.substr(prefix.size()));
  EXPECT_TRUE(testing::eventually([&] { return process_gone(grandchild); }));
}

}  // namespace
}  // namespace rollguard
