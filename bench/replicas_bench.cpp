// Many rollouts over several `rollguard serve --replica` processes on one PostgreSQL cluster
// started here (docs/ha.md). N steady rollouts pause at their second step with an HTTP probe
// each (static targets on a few demo apps, traffic `none`); M moving ones step every second.
// Printed: the time to apply and to settle (every rollout on the replica the rendezvous hash
// names), RSS and CPU per replica, the database's CPU, the control-loop lag from each
// replica's /metrics, API reads/s on one replica (most names run by the others), and the
// failover time: from kill -9 of the replica running the most moving rollouts to each of
// them starting its next step on another (p50/p99 over the kills).
// Goals (issue #15): at 50,000 rollouts over 3 replicas, lag p99 < 100 ms, failover < 10 s.
//   build/bench/bench_replicas --rollouts 50000 --replicas 3 --kills 3
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "controller/service/replica_assignment.hpp"
#include "controller/service/serve_process.hpp"
#include "controller/store/pg_connection.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/postgres_cluster.hpp"
#include "tests/support/prometheus_text.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_http_client.hpp"

namespace rollguard {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr double kLagGoalMs = 100;     // p99
constexpr double kFailoverGoalS = 10;  // p99

struct Options {
  int rollouts = 3000;  // steady
  int movers = 300;
  int replicas = 3;
  int kills = 3;
  int seconds = 30;  // the steady window
  int apps = 4;
  int clients = 8;  // concurrent API connections (apply, reads)
  std::string probe_interval = "5s";
  std::string demo_app;
};

double seconds_since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double rss_mib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// utime + stime of a process, and its parent's pid, from /proc/PID/stat.
std::pair<double, int> cpu_and_parent(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return {0, 0};
  std::istringstream fields(text.substr(paren + 2));
  std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
  if (f.size() < 13) return {0, 0};
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return {(std::stod(f[11]) + std::stod(f[12])) / ticks, std::stoi(f[1])};
}

// CPU seconds of the postmaster and every backend it forked.
double database_cpu(int postmaster) {
  double total = cpu_and_parent(postmaster).first;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    const auto [cpu, parent] = cpu_and_parent(std::stoi(name));
    if (parent == postmaster) total += cpu;
  }
  return total;
}

// A rollout of static targets on `stable` and `canary` without a router, through `steps`.
json manifest(const std::string& name, const std::string& stable, const std::string& canary,
              json steps) {
  return json{{"apiVersion", "rollguard.dev/v1"},
              {"kind", "Rollout"},
              {"metadata", {{"name", name}}},
              {"spec",
               {{"stable", {{"version", "1.0.0"}}},
                {"canary", {{"version", "2.0.0"}}},
                {"target", {{"static", {{"stable", {stable}}, {"canary", {canary}}}}}},
                {"traffic", {{"none", json::object()}}},
                {"strategy", {{"canary", {{"steps", std::move(steps)}}}}},
                {"rollback", {{"progressDeadline", "1h"}}}}}};
}

// Paused at its second step for good, probed every `probe_interval`.
std::string steady_manifest(const std::string& name, const std::string& stable,
                            const std::string& canary, const std::string& probe_interval) {
  json m = manifest(name, stable, canary, {{{"setWeight", 10}}, {{"pause", json::object()}}});
  m["spec"]["probes"] = {{{"name", "up"},
                          {"http", {{"path", "/healthz"}}},
                          {"interval", probe_interval},
                          {"timeout", "1s"},
                          {"failureThreshold", 3}}};
  return m.dump();
}

// A step a second for about seven minutes: weights 1..100, each followed by pauses.
std::string moving_manifest(const std::string& name, const std::string& stable,
                            const std::string& canary) {
  json steps = json::array();
  for (int i = 0; i < 400; ++i) {
    if (i % 4 == 0) steps.push_back({{"setWeight", i / 4 + 1}});
    steps.push_back({{"pause", {{"duration", "1s"}}}});
  }
  return manifest(name, stable, canary, std::move(steps)).dump();
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {}

  int run() {
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;  // a keep-alive probe connection per rollout, inherited
    setrlimit(RLIMIT_NOFILE, &files);
    if (!pg_.running()) return fail("PostgreSQL: " + pg_.error());
    uri_ = pg_.fresh_database();
    auto opened = pg::Connection::open(uri_);
    if (auto* e = std::get_if<std::string>(&opened)) return fail(*e);
    db_ = std::get<pg::Connection>(std::move(opened));
    if (!start_apps()) return 1;
    for (int i = 0; i < o_.replicas; ++i)
      if (!start_replica(i)) return 1;

    const auto applying = Steady::now();
    if (!apply_all()) return 1;
    const double apply_s = seconds_since(applying);
    const auto settling = Steady::now();
    if (!settle(10min)) return 1;
    std::cout << "applied " << total() << " rollouts in " << apply_s << " s (" << total() / apply_s
              << "/s) through " << o_.replicas << " replicas; settled in "
              << seconds_since(settling) << " s" << std::endl;

    const bool lag_met = steady_window();
    api_reads();
    const bool failover_met = failovers();
    const bool met = lag_met && failover_met;
    std::cout << (met ? "targets met" : "TARGETS MISSED") << std::endl;
    for (auto& r : replicas_) r->kill(SIGTERM);
    return 0;
  }

 private:
  int total() const { return o_.rollouts + o_.movers; }
  int fail(const std::string& why) {
    std::cerr << why << "\n";
    return 1;
  }

  bool start_apps() {
    for (int i = 0; i < o_.apps; ++i) {
      auto app = std::make_unique<testing::ChildProcess>();
      if (std::string e = app->start({o_.demo_app, "--port", "0", "--version", "1.0.0",
                                      "--exit-with-parent", "--threads", "2"});
          !e.empty())
        return fail(e) == 0;
      auto line = app->read_line(testing::deadline_in(20s));
      if (!line || !line->starts_with("listening on ")) return fail("demo app did not start") == 0;
      endpoints_.push_back(line->substr(std::string("listening on ").size()));
      apps_.push_back(std::move(app));
    }
    return true;
  }

  bool start_replica(int i) {
    auto r = std::make_unique<testing::ServeProcess>(
        uri_, dir_.file("replica" + std::to_string(i) + "-" + std::to_string(starts_++) + ".log"),
        std::vector<std::string>{"--replica"});
    if (std::string e = r->start(); !e.empty()) return fail(e) == 0;
    if (!r->wait_ready(60s)) return fail("replica did not start:\n" + r->log_tail()) == 0;
    if (replicas_.size() <= static_cast<std::size_t>(i))
      replicas_.push_back(std::move(r));
    else
      replicas_[static_cast<std::size_t>(i)] = std::move(r);
    return true;
  }

  std::string name_of(int i) const {
    return i < o_.rollouts ? "r" + std::to_string(i) : "m" + std::to_string(i - o_.rollouts);
  }

  bool apply_all() {
    std::atomic<int> next{0}, failed{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < o_.clients; ++c) {
      clients.emplace_back([&, c] {
        testing::TestHttpClient client(
            replicas_[static_cast<std::size_t>(c) % replicas_.size()]->port(), 60s);
        for (int i; (i = next++) < total();) {
          const std::string& stable = endpoints_[static_cast<std::size_t>(i) % endpoints_.size()];
          const std::string& canary =
              endpoints_[static_cast<std::size_t>(i + 1) % endpoints_.size()];
          const std::string name = name_of(i);
          const std::string body = i < o_.rollouts
                                       ? steady_manifest(name, stable, canary, o_.probe_interval)
                                       : moving_manifest(name, stable, canary);
          testing::TestResponse reply;
          for (int attempt = 0; attempt < 20; ++attempt) {
            reply = client.request("PUT", "/v1/rollouts/" + name, body,
                                   {{"Content-Type", "application/json"}});
            if (reply.status != 503) break;
            std::this_thread::sleep_for(100ms);
          }
          if (reply.status != 201 && reply.status != 200 && failed++ == 0)
            std::cerr << "PUT " << name << ": " << reply.status << " " << reply.body << "\n";
          if ((i + 1) % 5000 == 0) std::cout << "  applied " << i + 1 << std::endl;
        }
      });
    }
    for (auto& t : clients) t.join();
    return failed == 0;
  }

  std::vector<std::string> live_ids() {
    std::vector<std::string> ids;
    pg::Result r = db_.exec(
        "SELECT id FROM replicas WHERE heartbeat_at > now() - interval '5 seconds' ORDER BY id");
    for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
    return ids;
  }

  // Rollouts by owner, of live leases only.
  std::map<std::string, std::string> owners() {
    std::map<std::string, std::string> out;
    pg::Result r = db_.exec("SELECT rollout, owner FROM leases WHERE expires_at > now()");
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.text(i, 1);
    return out;
  }

  // Every rollout started, the steady ones paused, and each on its designated replica.
  bool settle(std::chrono::seconds within) {
    for (auto until = Steady::now() + within; Steady::now() < until;
         std::this_thread::sleep_for(1s)) {
      pg::Result paused = db_.exec(
          "SELECT count(*) FROM rollouts WHERE name LIKE 'r%' AND state::json->>'phase' = "
          "'Paused'");
      const auto ids = live_ids();
      const auto leased = owners();
      int misplaced = 0;
      for (int i = 0; i < total(); ++i) {
        auto it = leased.find(name_of(i));
        if (it == leased.end() || it->second != designated_replica(name_of(i), ids)) ++misplaced;
      }
      const std::int64_t steady_paused = paused.rows() ? paused.integer(0, 0) : 0;
      if (steady_paused == o_.rollouts && misplaced == 0 &&
          ids.size() == static_cast<std::size_t>(o_.replicas))
        return true;
      std::cout << "  settling: " << steady_paused << "/" << o_.rollouts << " paused, " << misplaced
                << " not on their replica, " << ids.size() << " replicas live" << std::endl;
    }
    return fail("did not settle") == 0;
  }

  // The lag histogram's cumulative buckets of one replica, by upper bound.
  std::map<double, double> lag_buckets(testing::ServeProcess& replica) {
    std::map<double, double> out;
    testing::TestHttpClient client(replica.port(), 60s);
    const auto metrics = testing::parse_prometheus_text(client.get("/metrics").body);
    const std::string prefix = "rollguard_control_loop_lag_seconds_bucket{le=\"";
    for (const auto& [key, value] : metrics) {
      if (!key.starts_with(prefix)) continue;
      const std::string le = key.substr(prefix.size(), key.size() - prefix.size() - 2);
      out[le == "+Inf" ? 1e9 : std::stod(le)] = value;
    }
    return out;
  }

  // The upper bound of the bucket holding quantile `q` of the wake-ups between two scrapes.
  static double quantile_bound(const std::map<double, double>& before,
                               const std::map<double, double>& after, double q) {
    const double count = after.rbegin()->second - before.rbegin()->second;
    for (const auto& [bound, cumulative] : after)
      if (cumulative - before.at(bound) >= q * count) return bound;
    return 1e9;
  }

  bool steady_window() {
    std::vector<std::map<double, double>> before;
    for (auto& r : replicas_) before.push_back(lag_buckets(*r));
    std::vector<double> cpu_before;
    for (auto& r : replicas_) cpu_before.push_back(cpu_and_parent(r->pid()).first);
    const double db_before = database_cpu(pg_.server_pid());
    const auto started = Steady::now();
    std::this_thread::sleep_for(std::chrono::seconds(o_.seconds));
    const double wall = seconds_since(started);
    const double db_cores = (database_cpu(pg_.server_pid()) - db_before) / wall;
    const auto leased = owners();
    bool met = true;
    std::map<double, double> all_before, all_after;
    for (std::size_t i = 0; i < replicas_.size(); ++i) {
      const double rss = rss_mib(replicas_[i]->pid());
      const double cores = (cpu_and_parent(replicas_[i]->pid()).first - cpu_before[i]) / wall;
      const auto after = lag_buckets(*replicas_[i]);
      for (const auto& [bound, c] : after) {
        all_after[bound] += c;
        all_before[bound] += before[i].count(bound) ? before[i].at(bound) : 0;
      }
      const double count = after.rbegin()->second - before[i].rbegin()->second;
      std::cout << "replica " << i << ": RSS " << rss << " MiB, CPU " << cores << " cores, "
                << count / wall
                << " wake-ups/s, lag p50 <= " << quantile_bound(before[i], after, 0.5) * 1000
                << " ms, p99 <= " << quantile_bound(before[i], after, 0.99) * 1000 << " ms"
                << std::endl;
    }
    const double p99_ms = quantile_bound(all_before, all_after, 0.99) * 1000;
    met = p99_ms < kLagGoalMs;
    std::cout << "database: " << db_cores << " cores over " << wall << " s\n"
              << "control-loop lag, all replicas: p99 <= " << p99_ms << " ms (bucket bound); goal "
              << "< " << kLagGoalMs << " ms: " << (met ? "met" : "MISSED") << "\n"
              << "leases live: " << leased.size() << " of " << total() << std::endl;
    return met;
  }

  void api_reads() {
    std::atomic<bool> stop{false};
    std::atomic<long> reads{0}, errors{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < o_.clients; ++c) {
      clients.emplace_back([&, c] {
        testing::TestHttpClient client(replicas_.front()->port(), 30s);
        std::mt19937 random(static_cast<unsigned>(c));
        std::uniform_int_distribution<int> pick(0, total() - 1);
        while (!stop) {
          const auto reply = client.get("/v1/rollouts/" + name_of(pick(random)));
          (reply.status == 200 ? reads : errors)++;
        }
      });
    }
    const auto started = Steady::now();
    std::this_thread::sleep_for(10s);
    stop = true;
    for (auto& t : clients) t.join();
    std::cout << "API reads on replica 0 (" << o_.clients << " connections, "
              << (o_.replicas - 1) * 100 / o_.replicas << "% of the names run elsewhere): "
              << static_cast<double>(reads) / seconds_since(started) << "/s, " << errors
              << " errors" << std::endl;
  }

  // Kills the replica running the most moving rollouts; the time from the kill to each of
  // them starting a step on another replica.
  bool failovers() {
    std::vector<double> all;
    for (int k = 0; k < o_.kills; ++k) {
      const auto leased = owners();
      std::map<std::string, std::vector<std::string>> movers_of;
      for (int i = o_.rollouts; i < total(); ++i)
        if (auto it = leased.find(name_of(i)); it != leased.end())
          movers_of[it->second].push_back(name_of(i));
      std::string victim_id;
      for (const auto& [id, names] : movers_of)
        if (victim_id.empty() || names.size() > movers_of[victim_id].size()) victim_id = id;
      const std::vector<std::string>& moved = movers_of[victim_id];
      int victim = -1;
      testing::TestHttpClient ask(replicas_.front()->port(), 30s);
      const json listed = json::parse(ask.get("/v1/replicas").body);
      for (const json& r : listed["replicas"]) {
        if (r["id"] != victim_id) continue;
        const std::string api = r["api"];
        const int port = std::stoi(api.substr(api.rfind(':') + 1));
        for (std::size_t i = 0; i < replicas_.size(); ++i)
          if (replicas_[i]->port() == port) victim = static_cast<int>(i);
      }
      if (victim < 0 || moved.empty()) return fail("no replica runs a moving rollout") == 0;
      std::string in_list;
      for (const std::string& n : moved) in_list += (in_list.empty() ? "'" : ",'") + n + "'";

      const std::int64_t killed_at = now_millis();
      replicas_[static_cast<std::size_t>(victim)]->kill(SIGKILL);
      std::map<std::string, double> advanced;
      for (auto until = Steady::now() + 120s;
           advanced.size() < moved.size() && Steady::now() < until;
           std::this_thread::sleep_for(50ms)) {
        pg::Result r = db_.exec(
            "SELECT rollout, min(at) FROM events WHERE kind = 'StepStarted' AND at > $1 AND "
            "rollout IN (" +
                in_list + ") GROUP BY rollout",
            {pg::param(killed_at)});
        for (int i = 0; i < r.rows(); ++i)
          advanced[r.text(i, 0)] = static_cast<double>(r.integer(i, 1) - killed_at) / 1000.0;
      }
      std::vector<double> times;
      for (const auto& [name, s] : advanced) times.push_back(s);
      all.insert(all.end(), times.begin(), times.end());
      std::cout << "kill " << k + 1 << ": replica " << victim << " with " << moved.size()
                << " moving rollouts (and about " << o_.rollouts / o_.replicas << " steady); "
                << advanced.size() << " advanced again on another: p50 " << percentile(times, 0.5)
                << " s, p99 " << percentile(times, 0.99) << " s, max " << percentile(times, 1.0)
                << " s" << std::endl;
      if (advanced.size() < moved.size()) return fail("some never advanced again") == 0;
      // A new process in its place; the rollouts the hash gives it come back to it.
      const auto back = Steady::now();
      if (!start_replica(victim) || !settle(10min)) return false;
      std::cout << "  replaced and settled again in " << seconds_since(back) << " s" << std::endl;
    }
    const double p50 = percentile(all, 0.5), p99 = percentile(all, 0.99);
    const bool met = p99 < kFailoverGoalS;
    std::cout << "failover over " << o_.kills << " kills (" << all.size() << " rollouts): p50 "
              << p50 << " s, p99 " << p99 << " s; goal p99 < " << kFailoverGoalS
              << " s: " << (met ? "met" : "MISSED") << std::endl;
    return met;
  }

  const Options o_;
  testing::PostgresCluster pg_;
  testing::TempDir dir_{"bench-replicas"};
  std::string uri_;
  pg::Connection db_;
  std::vector<std::unique_ptr<testing::ChildProcess>> apps_;
  std::vector<std::string> endpoints_;
  std::vector<std::unique_ptr<testing::ServeProcess>> replicas_;
  int starts_ = 0;
};

}  // namespace
}  // namespace rollguard

int main(int argc, char** argv) {
  rollguard::Options o;
  o.demo_app = (std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() /
                "rollguard-demo-app")
                   .string();
  CLI::App app{"Rollouts over replicas on one PostgreSQL: RSS, CPU, lag, API reads, failover"};
  app.add_option("--rollouts", o.rollouts, "Steady rollouts (paused, probing)");
  app.add_option("--movers", o.movers,
                 "Rollouts that step every second (failover is timed on them)");
  app.add_option("--replicas", o.replicas, "Replicas (rollguard serve --replica)");
  app.add_option("--kills", o.kills, "Failovers timed: kill -9 of a replica, then a new one");
  app.add_option("--seconds", o.seconds, "Length of the steady window");
  app.add_option("--apps", o.apps, "Demo apps the static targets point at");
  app.add_option("--clients", o.clients, "Concurrent API connections");
  app.add_option("--probe-interval", o.probe_interval, "Each steady rollout's probe interval");
  app.add_option("--demo-app", o.demo_app, "Path of rollguard-demo-app");
  CLI11_PARSE(app, argc, argv);
  return rollguard::Bench(o).run();
}
