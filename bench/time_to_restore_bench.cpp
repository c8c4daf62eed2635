// Time to restore and blast radius of a bad canary, live: stable and canary demo apps behind
// the built-in router, the canary at 10% weight answering 20% errors, 500 requests/s through
// the router. Measured from the first request the canary answers to the router's confirmed
// return to 100% stable, and the canary's failed answers in between. Run once with the
// `sequential` judge as a background analysis and once with a fixed-interval threshold
// analysis (interval 10 s, the way Argo Rollouts / Flagger setups are often written).
// Targets (sequential): <= 2 s and <= 25 failed requests.
//   build/bench/bench_time_to_restore --rounds 3
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "controller/runtime/live_rollout.hpp"
#include "manifests/rollout_parser.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/test_http_client.hpp"

namespace rollguard {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

const std::string kSequential = R"(
      - name: evidence
        metric: {builtin: {query: error_rate}}
        interval: 1s
        compare: {against: stable, judge: sequential, direction: increase, allowedIncrease: 1.2, confidence: 0.99})";

const std::string kThreshold = R"(
      - name: evidence
        metric: {builtin: {query: error_rate}}
        interval: 10s
        minSamples: 20
        successCondition: "result < 0.05")";

struct Options {
  fs::path demo_app;
  int rate = 500;
  int rounds = 3;
};

// One answer seen by the load generator.
struct Answer {
  Steady::time_point sent;
  bool canary = false;
  bool failed = false;
};

// Open-loop-ish load: `clients` threads, each on its own keep-alive connection, sending on a
// fixed schedule so that together they make `rate` requests per second.
class PacedLoad {
 public:
  PacedLoad(std::uint16_t port, int rate, int clients = 5) {
    const auto period = std::chrono::microseconds(1'000'000LL * clients / rate);
    for (int i = 0; i < clients; ++i)
      threads_.emplace_back([this, port, period, i, clients] {
        run(port, period, Steady::now() + period * i / clients);
      });
  }
  ~PacedLoad() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  std::vector<Answer> answers() {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  void run(std::uint16_t port, std::chrono::microseconds period, Steady::time_point next) {
    std::optional<testing::TestHttpClient> client;
    while (!stop_) {
      std::this_thread::sleep_until(next);
      next += period;
      Answer a{Steady::now()};
      try {
        if (!client) client.emplace(port, std::chrono::seconds(5));
        const auto response = client->get("/");
        a.canary = response.header("X-Version") == "2.0.0";
        a.failed = response.status >= 500;
      } catch (const std::exception&) {
        client.reset();
        a.failed = true;
      }
      std::lock_guard lock(mutex_);
      answers_.push_back(a);
    }
  }
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Answer> answers_;
  std::vector<std::thread> threads_;
};

struct Round {
  Phase phase = Phase::Pending;
  double restore_seconds = 0;  // first canary answer -> 100% stable confirmed
  int failed = 0;              // canary answers that failed
  int canary_answers = 0;
};

std::string manifest(const Options& o, const fs::path& dir, std::uint16_t router_port,
                     const std::string& analysis) {
  const int first = 20000 + (::getpid() % 600) * 20;  // below the ephemeral ports
  return R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: time-to-restore}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    process:
      command: [")" +
         o.demo_app.string() +
         R"(", "--port", "{{port}}", "--version", "{{version}}", "--threads", "1", "--config", ")" +
         (dir / "{{version}}.ini").string() + R"("]
      portRange: [)" +
         std::to_string(first) + ", " + std::to_string(first + 19) + R"(]
      readiness: {http: {path: /healthz}, timeout: 20s}
  traffic:
    builtin: {listen: "127.0.0.1:)" +
         std::to_string(router_port) + R"("}
  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: {duration: 2m}
  analysis:
    background: {templates: [evidence]}
    templates:)" +
         analysis + R"(
  rollback: {progressDeadline: 5m}
)";
}

Round run_round(const Options& o, const std::string& analysis) {
  const fs::path dir = fs::temp_directory_path() / ("rollguard-ttr-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "1.0.0.ini") << "";
  std::ofstream(dir / "2.0.0.ini") << "error-rate = 0.2\n";
  const std::uint16_t router_port = testing::free_port();
  Parsed<RolloutSpec> spec = parse_rollout_text(manifest(o, dir, router_port, analysis),
                                                Format::Yaml, "time-to-restore.yaml");
  if (!spec.value) {
    for (const auto& d : spec.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::exit(2);
  }
  std::mutex mutex;
  std::optional<Steady::time_point> restored;
  LiveRollout live(*spec.value, [&](const Event& e, const RolloutState&) {
    if (e.kind == EventKind::PhaseChanged && e.phase == Phase::RolledBack) {
      std::lock_guard lock(mutex);
      restored = Steady::now();
    }
  });
  if (auto error = live.start("1.0.0")) {
    std::fprintf(stderr, "%s\n", error->c_str());
    std::exit(1);
  }
  PacedLoad load(router_port, o.rate);
  const auto deadline = Steady::now() + std::chrono::seconds(90);
  while (Steady::now() < deadline && !is_terminal(live.state().phase))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  load.stop();
  Round r;
  r.phase = live.state().phase;
  live.shutdown();
  fs::remove_all(dir);

  std::optional<Steady::time_point> first_canary;
  for (const Answer& a : load.answers()) {
    if (!a.canary) continue;
    if (!first_canary || a.sent < *first_canary) first_canary = a.sent;
    ++r.canary_answers;
    r.failed += a.failed;
  }
  if (first_canary && restored)
    r.restore_seconds = std::chrono::duration<double>(*restored - *first_canary).count();
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void report(const char* name, const std::vector<Round>& rounds) {
  std::vector<double> restore, failed;
  for (const Round& r : rounds) {
    std::printf("  %-10s phase %-10s restore %6.2f s  canary answers %4d  failed %3d\n", name,
                std::string(to_string(r.phase)).c_str(), r.restore_seconds, r.canary_answers,
                r.failed);
    restore.push_back(r.restore_seconds);
    failed.push_back(r.failed);
  }
  std::printf("%-10s median time to restore %.2f s, median failed requests %.0f\n", name,
              median(restore), median(failed));
}

}  // namespace
}  // namespace rollguard

int main(int argc, char** argv) {
  using namespace rollguard;
  Options o;
  o.demo_app = fs::canonical("/proc/self/exe").parent_path().parent_path() / "rollguard-demo-app";
  CLI::App app{"Time to restore and blast radius of a bad canary (sequential vs 10 s threshold)"};
  app.add_option("--demo-app", o.demo_app, "rollguard-demo-app binary");
  app.add_option("--rate", o.rate, "requests per second through the router")->capture_default_str();
  app.add_option("--rounds", o.rounds, "rollouts per analysis")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<Round> sequential, threshold;
  for (int i = 0; i < o.rounds; ++i) {
    sequential.push_back(run_round(o, kSequential));
    threshold.push_back(run_round(o, kThreshold));
  }
  std::printf("%d req/s through the built-in router; canary 10%% weight, 20%% errors\n", o.rate);
  report("sequential", sequential);
  report("threshold", threshold);
  return 0;
}
