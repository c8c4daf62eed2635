// ctest: integration slow
// Crash-safe resume, end to end, on each store engine: the real `rollguard serve` drives
// rollouts of real demo apps (static targets) through its built-in routers under live load,
// and is killed with SIGKILL at seeded random instants across their lives (50 on SQLite, 20
// on PostgreSQL, whose cluster this test starts) — while applying, mid-step, mid-analysis,
// rolling back, after the end. Restarted on the same data directory (or database) each time,
// every rollout must end in the phase it reaches without crashes, its event log must have no
// gap and no repeated transition, and requests through its router must reach the right
// version only.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "controller/service/serve_process.hpp"
#include "controller/store/pg_store.hpp"
#include "controller/store/sqlite_store.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"
#include "support/demo_app_process.hpp"
#include "support/free_port.hpp"
#include "support/http_load.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr int kKillsPerWave = 10;
constexpr unsigned kSeed = 20261122;

struct Rollout {
  std::string name;
  std::uint16_t router = 0;
  Phase expected = Phase::Succeeded;
  std::string serves;  // the version every request through the router must reach at the end
  std::string body;    // the manifest as JSON
};

std::string manifest(const std::string& name, std::uint16_t router, const std::string& stable,
                     const std::string& canary, bool blue_green) {
  const std::string strategy =
      blue_green ? "  strategy: {blueGreen: {autoPromote: true, postPromotionAnalysis: "
                   "{templates: [errors]}}}\n"
                 : "  strategy: {canary: {steps: [{setWeight: 50}, {analysis: {templates: "
                   "[errors]}}, {setWeight: 100}]}}\n";
  const std::string yaml =
      "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: " + name +
      "}\nspec:\n  stable: {version: \"1.0.0\"}\n  canary: {version: \"2.0.0\"}\n"
      "  target: {static: {stable: [\"" +
      stable + "\"], canary: [\"" + canary +
      "\"]}}\n"
      "  traffic: {builtin: {listen: \"127.0.0.1:" +
      std::to_string(router) + "\"}}\n" + strategy +
      "  analysis:\n    templates:\n      - name: errors\n        interval: 400ms\n"
      "        count: 3\n        minSamples: 1\n        inconclusiveLimit: 2\n"
      "        metric: {builtin: {query: error_rate}}\n"
      "        successCondition: \"result < 0.1\"\n"
      "  rollback: {progressDeadline: 1m, keepPreviousFor: 0s}\n";
  Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, name + ".yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
  return to_json(*parsed.value).dump();
}

struct EngineRun {
  std::string name;
  int waves;  // of kKillsPerWave kills each
};

void PrintTo(const EngineRun& engine, std::ostream* out) {
  *out << engine.name;
}

class CrashResume : public ::testing::TestWithParam<EngineRun> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stable_.start({"--version", "1.0.0"}));
    ASSERT_TRUE(good_.start({"--version", "2.0.0"}));
    ASSERT_TRUE(bad_.start({"--version", "2.0.0", "--error-rate", "0.6"}));
    if (GetParam().name == "postgresql") {
      store_ = testing::shared_postgres().fresh_database();
      ASSERT_FALSE(store_.empty()) << testing::shared_postgres().error();
    } else {
      store_ = (dir_.path() / "data").string();
    }
  }

  // The store the server used, opened once it is gone.
  std::unique_ptr<Store> open_store() const {
    if (GetParam().name == "postgresql") {
      auto opened = PgStore::open(store_, "crash test");
      if (auto* e = std::get_if<StoreError>(&opened)) ADD_FAILURE() << e->message;
      return std::get<std::unique_ptr<PgStore>>(std::move(opened));
    }
    auto opened = SqliteStore::open(store_ + "/rollguard.db");
    if (auto* e = std::get_if<StoreError>(&opened)) ADD_FAILURE() << e->message;
    return std::get<std::unique_ptr<SqliteStore>>(std::move(opened));
  }

  std::vector<Rollout> wave(int w) {
    const std::string stable = "127.0.0.1:" + std::to_string(stable_.port);
    const std::string good = "127.0.0.1:" + std::to_string(good_.port);
    const std::string bad = "127.0.0.1:" + std::to_string(bad_.port);
    std::vector<Rollout> out{
        {"bad-" + std::to_string(w), testing::free_port(), Phase::RolledBack, "1.0.0", {}},
        {"good-" + std::to_string(w), testing::free_port(), Phase::Succeeded, "2.0.0", {}},
        {"bluegreen-" + std::to_string(w), testing::free_port(), Phase::Succeeded, "2.0.0", {}},
    };
    out[0].body = manifest(out[0].name, out[0].router, stable, bad, false);
    out[1].body = manifest(out[1].name, out[1].router, stable, good, false);
    out[2].body = manifest(out[2].name, out[2].router, stable, good, true);
    return out;
  }

  // PUTs each manifest until the server answers it (Created or Unchanged); false when the
  // server went away meanwhile.
  static bool apply(std::uint16_t api, const std::vector<Rollout>& rollouts) {
    try {
      testing::TestHttpClient client(api, 5s);
      for (const Rollout& r : rollouts) {
        for (;;) {
          auto reply = client.request("PUT", "/v1/rollouts/" + r.name, r.body,
                                      {{"Content-Type", "application/json"}});
          if (reply.status == 200 || reply.status == 201) break;
          if (reply.status != 503) {
            ADD_FAILURE() << r.name << ": " << reply.status << " " << reply.body;
            return false;
          }
          std::this_thread::sleep_for(20ms);
        }
      }
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  static std::string history(std::uint16_t api, const std::string& name) {
    try {
      testing::TestHttpClient client(api, 5s);
      return client.get("/v1/rollouts/" + name + "/events").body;
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  // The rollout's phase as the API spells it; empty while it cannot be read.
  static std::string phase(std::uint16_t api, const std::string& name) {
    try {
      testing::TestHttpClient client(api, 5s);
      auto reply = client.get("/v1/rollouts/" + name);
      if (reply.status != 200) return {};
      return nlohmann::json::parse(reply.body).value("phase", "");
    } catch (const std::exception&) {
      return {};
    }
  }

  static bool terminal(const std::string& phase) {
    auto p = parse_phase(phase);
    return p.has_value() && is_terminal(p.value());
  }

  std::map<std::string, int> served(std::uint16_t router, int requests) {
    std::map<std::string, int> seen;
    testing::TestHttpClient client(router, 5s);
    for (int i = 0; i < requests; ++i) ++seen[client.get("/").header("X-Version")];
    return seen;
  }

  TempDir dir_{"crash"};
  std::string store_;  // the data directory, or the PostgreSQL database's URI
  testing::DemoAppProcess stable_, good_, bad_;
};

TEST_P(CrashResume, KilledAtRandomInstantsEveryRolloutEndsAsWithoutCrashes) {
  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<int> delay_ms(0, 1800);
  testing::ServeProcess server(store_, dir_.file("serve.log"));
  const int waves = GetParam().waves;
  std::vector<Rollout> all;
  int kills = 0;
  for (int w = 0; w < waves; ++w) {
    const std::vector<Rollout> rollouts = wave(w);
    all.insert(all.end(), rollouts.begin(), rollouts.end());
    std::vector<std::uint16_t> ports;
    for (const Rollout& r : rollouts) ports.push_back(r.router);
    // Requests through every router of the wave; failures (a dead server) are expected and
    // retried.
    testing::Load load(ports, {.period = 3ms, .client_timeout = 2s, .retry_after = 10ms});
    for (int k = 0; k < kKillsPerWave; ++k, ++kills) {
      const auto started = std::chrono::steady_clock::now();
      ASSERT_EQ(server.start(), "");
      const auto kill_at = started + std::chrono::milliseconds(delay_ms(rng));
      std::atomic<bool> killing{false};
      std::thread applier([&] {
        if (auto api = server.wait_listening(3s, &killing)) apply(*api, rollouts);
      });
      std::this_thread::sleep_until(kill_at);
      killing = true;
      server.kill(SIGKILL);
      applier.join();
    }
    // Without crashes, the wave runs to its end.
    ASSERT_EQ(server.start(), "");
    auto api = server.wait_listening(20s);
    ASSERT_TRUE(api) << server.log_tail();
    ASSERT_TRUE(apply(*api, rollouts)) << server.log_tail();
    for (const Rollout& r : rollouts) {
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      std::string p;
      while (std::chrono::steady_clock::now() < deadline && !terminal(p = phase(*api, r.name)))
        std::this_thread::sleep_for(20ms);
      ASSERT_TRUE(terminal(p)) << r.name << " did not finish: " << p << "\n"
                               << history(*api, r.name) << "\n"
                               << server.log_tail();
    }
    server.kill(SIGKILL);
    ++kills;
  }
  EXPECT_GE(kills, waves * kKillsPerWave);

  // A last start: every rollout, of every wave, re-adopted in its final phase and serving.
  ASSERT_EQ(server.start(), "");
  auto api = server.wait_listening(20s);
  ASSERT_TRUE(api) << server.log_tail();
  for (const Rollout& r : all) {
    std::string p;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while ((p = phase(*api, r.name)).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    EXPECT_EQ(p, to_string(r.expected)) << r.name;
    // The router serves the right version once the re-adopted rollout has re-applied it.
    std::map<std::string, int> seen;
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < until) {
      try {
        seen = served(r.router, 30);
        if (seen == std::map<std::string, int>{{r.serves, 30}}) break;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(seen, (std::map<std::string, int>{{r.serves, 30}})) << r.name;
  }
  EXPECT_EQ(WEXITSTATUS(server.kill(SIGTERM)), 0) << server.log_tail();

  // The log, read from the store itself: numbered without a gap, no transition twice.
  std::unique_ptr<Store> opened = open_store();
  ASSERT_TRUE(opened);
  Store& store = *opened;
  for (const Rollout& r : all) {
    auto events = std::get<std::vector<StoredEvent>>(store.events(r.name, 0));
    ASSERT_FALSE(events.empty()) << r.name;
    std::map<Phase, int> entered;
    const StoredEvent* last = nullptr;  // the last phase change
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i) + 1) << r.name;
      EXPECT_EQ(events[i].revision, 1) << r.name;
      if (events[i].event.kind != EventKind::PhaseChanged) continue;
      if (last) {
        EXPECT_NE(last->event.phase, events[i].event.phase) << r.name << " seq " << events[i].seq;
      }
      last = &events[i];
      ++entered[events[i].event.phase];
    }
    EXPECT_EQ(entered[Phase::Pending], 1) << r.name;
    EXPECT_EQ(entered[r.expected], 1) << r.name;
    ASSERT_NE(last, nullptr) << r.name;
    EXPECT_EQ(last->event.phase, r.expected) << r.name;
    if (r.expected == Phase::RolledBack) {
      EXPECT_EQ(entered[Phase::RollingBack], 1) << r.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, CrashResume,
                         ::testing::Values(EngineRun{"sqlite", 5}, EngineRun{"postgresql", 2}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
