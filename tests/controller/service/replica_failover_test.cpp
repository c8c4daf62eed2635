// ctest: integration slow
// Three real `rollguard serve --replica` processes on one PostgreSQL cluster this test starts.
// Rollouts spread over them by lease; the owner of a running rollout is killed with SIGKILL
// at 20 random instants (and restarted, a new replica): every rollout ends Succeeded on
// another replica, its log without a gap or a repeated step, its router told weights in
// order. An owner stopped (SIGSTOP) past its lease and continued takes no action: its router
// command is never run again. Two replicas racing to create one rollout make one revision.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "controller/service/recorded_weights.hpp"
#include "controller/service/replica_processes.hpp"
#include "controller/service/serve_process.hpp"
#include "manifests/manifest_json.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr unsigned kFailoverSeed = 20261207;
// A rollout whose router command appends "PID WEIGHT" (the pid of the rollguard that ran it)
// to `weights`, through three timed pauses.
RolloutSpec rollout_spec(const std::string& name, const std::string& weights,
                         const std::string& pause = "700ms") {
  const std::string p = "{pause: {duration: " + pause + "}}";
  RolloutSpec spec = testing::command_spec(
      name, "[{setWeight: 20}, " + p + ", {setWeight: 50}, " + p + ", {setWeight: 80}, " + p + "]",
      weights, "/nonexistent");
  auto& command = std::get<CommandRouter>(spec.traffic.router);
  command.setWeight = {"sh", "-c", "echo $PPID {{weight}} >> " + weights};
  return spec;
}

std::string rollout_json(const std::string& name, const std::string& weights,
                         const std::string& pause = "700ms") {
  return to_json(rollout_spec(name, weights, pause)).dump();
}

class ReplicaFailover : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = pg_.fresh_database();
    ASSERT_FALSE(uri_.empty()) << pg_.error();
    testing::start_replicas(replicas_, uri_, dir_, 3);
  }

  testing::ServeProcess& any() {
    for (auto& r : replicas_)
      if (r->pid() > 0 && r.get() != stopped_) return *r;
    return *replicas_.front();
  }

  json get(testing::ServeProcess& via, const std::string& target) {
    try {
      testing::TestHttpClient client(via.port(), 5s);
      auto reply = client.get(target);
      return reply.status == 200 ? json::parse(reply.body) : json::object();
    } catch (const std::exception&) {
      return json::object();
    }
  }

  // The process of replica `id`, from GET /v1/replicas (its API port); null when not live.
  testing::ServeProcess* process_of(const std::string& id) {
    json listed = get(any(), "/v1/replicas");
    for (const json& r : listed.value("replicas", json::array())) {
      if (r.value("id", "") != id) continue;
      const std::string api = r.value("api", "");
      const auto port = std::stoi(api.substr(api.rfind(':') + 1));
      for (auto& p : replicas_)
        if (p->pid() > 0 && p->port() == port) return p.get();
    }
    return nullptr;
  }

  // A 503 says nothing was done (a replica that just lost or is still taking the lease):
  // asked again, as a client would.
  int put(testing::ServeProcess& via, const std::string& name, const std::string& body) {
    testing::TestHttpClient client(via.port(), 10s);
    testing::TestResponse reply;
    for (auto until = std::chrono::steady_clock::now() + 20s;; std::this_thread::sleep_for(50ms)) {
      reply = client.request("PUT", "/v1/rollouts/" + name, body,
                             {{"Content-Type", "application/json"}});
      if (reply.status != 503 || std::chrono::steady_clock::now() >= until) break;
    }
    EXPECT_TRUE(reply.status == 200 || reply.status == 201) << reply.status << " " << reply.body;
    return reply.status;
  }

  std::string phase(const std::string& name) {
    return get(any(), "/v1/rollouts/" + name).value("phase", "");
  }

  // Every rollout's log: numbered without a gap, each step started once, in order.
  void expect_clean_history(const std::string& name) {
    json events = get(any(), "/v1/rollouts/" + name + "/events").value("events", json::array());
    ASSERT_FALSE(events.empty()) << name;
    int last_step = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i]["seq"], i + 1) << name << events.dump();
      if (events[i]["kind"] != "StepStarted") continue;
      EXPECT_GT(events[i]["step"].get<int>(), last_step) << name << " " << events.dump();
      last_step = events[i]["step"];
    }
  }

  testing::PostgresCluster& pg_ = testing::shared_postgres();
  testing::TempDir dir_{"replicas"};
  std::string uri_;
  std::vector<std::unique_ptr<testing::ServeProcess>> replicas_;
  testing::ServeProcess* stopped_ = nullptr;  // SIGSTOPped: asked nothing
};

// The weights each rollout's router was told, without the pids: never back down.
std::vector<int> weights_of(const std::string& file) {
  std::vector<int> out;
  for (const std::string& line : testing::lines_of(file))
    out.push_back(std::stoi(line.substr(line.find(' ') + 1)));
  return out;
}

TEST_F(ReplicaFailover, TheOwnerKilledAtTwentyRandomPointsEveryRolloutEndsOnAnother) {
  std::mt19937 rng(kFailoverSeed);
  std::uniform_int_distribution<int> delay_ms(0, 900);
  std::vector<std::string> all;
  int kills = 0;
  for (int wave = 0; kills < 20; ++wave) {
    std::vector<std::string> names;
    for (int i = 0; i < 4; ++i) {
      names.push_back("w" + std::to_string(wave) + "-" + std::to_string(i));
      put(any(), names.back(), rollout_json(names.back(), dir_.file(names.back() + ".weights")));
    }
    all.insert(all.end(), names.begin(), names.end());
    for (int k = 0; k < 5 && kills < 20; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      // The owner of the first rollout of the wave still running.
      testing::ServeProcess* owner = nullptr;
      for (const std::string& n : names) {
        json status = get(any(), "/v1/rollouts/" + n);
        if (status.value("phase", "") == "Succeeded" || !status["owner"].is_string()) continue;
        if ((owner = process_of(status["owner"]))) break;
      }
      if (!owner) break;  // the wave is over
      owner->kill(SIGKILL);
      ++kills;
      ASSERT_EQ(owner->start(), "");
      ASSERT_TRUE(owner->wait_ready(30s)) << owner->log_tail();
    }
    for (const std::string& n : names) {
      std::string p;
      for (auto until = std::chrono::steady_clock::now() + 60s;
           (p = phase(n)) != "Succeeded" && std::chrono::steady_clock::now() < until;)
        std::this_thread::sleep_for(50ms);
      ASSERT_EQ(p, "Succeeded") << n << "\n"
                                << get(any(), "/v1/rollouts/" + n + "/events").dump() << "\n"
                                << replicas_[0]->log_tail() << replicas_[1]->log_tail()
                                << replicas_[2]->log_tail();
    }
  }
  EXPECT_EQ(kills, 20);
  for (const std::string& n : all) {
    expect_clean_history(n);
    const std::vector<int> weights = weights_of(dir_.file(n + ".weights"));
    EXPECT_TRUE(std::is_sorted(weights.begin(), weights.end())) << n;
    EXPECT_EQ(weights.back(), 100) << n;
  }
}

TEST_F(ReplicaFailover, AnOwnerStoppedPastItsLeaseTakesNoActionWhenContinued) {
  const std::string name = "paused-owner", weights = dir_.file("paused-owner.weights");
  put(any(), name, rollout_json(name, weights, "1500ms"));
  // Once at 20%, in the first pause: stop the owner for longer than its lease.
  json status;
  for (auto until = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(20ms))
    if ((status = get(any(), "/v1/rollouts/" + name)).value("step", 0) == 2) break;
  ASSERT_EQ(status.value("step", 0), 2) << status.dump();
  testing::ServeProcess* owner = process_of(status["owner"]);
  ASSERT_TRUE(owner) << status.dump() << get(any(), "/v1/replicas").dump();
  const std::string stopped_pid = std::to_string(owner->pid());
  stopped_ = owner;
  ::kill(owner->pid(), SIGSTOP);
  const std::vector<std::string> at_stop = testing::lines_of(weights);
  // Another replica takes it over and finishes it while the owner is stopped.
  std::string p;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       (p = phase(name)) != "Succeeded" && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(p, "Succeeded");
  const std::vector<std::string> before = testing::lines_of(weights);
  ::kill(owner->pid(), SIGCONT);
  stopped_ = nullptr;
  // Its pause ended long ago: without the lease check it would set 50% now.
  for (auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms))
    if (owner->log_tail().find(name + ": lease lost") != std::string::npos) break;
  EXPECT_NE(owner->log_tail().find(name + ": lease lost"), std::string::npos) << owner->log_tail();
  std::this_thread::sleep_for(1s);
  // What the stopped owner told the router after it was continued: nothing of the steps it
  // had missed. (Once continued, the rollout may come back to it by the hash, under a new
  // lease: then it re-applies the final split, 100, as any replica taking a rollout over.)
  const std::vector<std::string> after = testing::lines_of(weights);
  ASSERT_GE(after.size(), before.size());
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
  for (std::size_t i = at_stop.size(); i < after.size(); ++i) {
    if (after[i].rfind(stopped_pid + " ", 0) != 0) continue;
    EXPECT_EQ(after[i], stopped_pid + " 100") << testing::lines_of(weights).size();
    EXPECT_NE(owner->log_tail().find(name + ": taken over (epoch "), std::string::npos);
  }
  expect_clean_history(name);
  EXPECT_EQ(phase(name), "Succeeded");
}

TEST_F(ReplicaFailover, TwoReplicasRacingToCreateOneRolloutMakeOneRevision) {
  const std::string name = "raced";
  const std::string body = rollout_json(name, dir_.file("raced.weights"));
  std::vector<int> statuses(2);
  std::vector<std::string> bodies(2);
  std::thread racers[2];
  for (int i = 0; i < 2; ++i) {
    racers[i] = std::thread([&, i] {
      testing::TestHttpClient client(replicas_[i]->port(), 10s);
      auto reply = client.request("PUT", "/v1/rollouts/" + name, body,
                                  {{"Content-Type", "application/json"}});
      statuses[i] = reply.status;
      bodies[i] = reply.body;
    });
  }
  for (auto& t : racers) t.join();
  // One made it; the other found it made (Unchanged) or run by the winner (409, naming it).
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1) << bodies[0] << bodies[1];
  for (int i = 0; i < 2; ++i)
    if (statuses[i] != 201) {
      EXPECT_TRUE(statuses[i] == 200 || statuses[i] == 409) << bodies[i];
    }
  json events = get(any(), "/v1/rollouts/" + name + "/events").value("events", json::array());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["phase"], "Pending");
  for (const json& e : events) EXPECT_EQ(e["revision"], 1);
  EXPECT_EQ(get(any(), "/v1/rollouts/" + name).value("revision", 0), 1);
}

// Most are created through a replica the hash does not name, and handed over while the
// change may still be being applied; none is left run where it has no lease.
TEST_F(ReplicaFailover, ManyRolloutsCreatedThroughEveryReplicaAtOnceAllStart) {
  constexpr int kRollouts = 300;
  std::atomic<int> next{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&, c] {
      testing::ServeProcess& via = *replicas_[static_cast<std::size_t>(c % 3)];
      for (int i; (i = next++) < kRollouts;) {
        const std::string name = "many-" + std::to_string(i);
        put(via, name,
            json{
                {"apiVersion", "rollguard.dev/v1"},
                {"kind", "Rollout"},
                {"metadata", {{"name", name}}},
                {"spec",
                 {{"stable", {{"version", "1.0.0"}}},
                  {"canary", {{"version", "2.0.0"}}},
                  {"target",
                   {{"static", {{"stable", {"127.0.0.1:1"}}, {"canary", {"127.0.0.1:2"}}}}}},
                  {"traffic", {{"none", json::object()}}},
                  {"strategy",
                   {{"canary", {{"steps", {{{"setWeight", 10}}, {{"pause", json::object()}}}}}}}}}}}
                .dump());
      }
    });
  }
  for (auto& t : clients) t.join();
  std::map<std::string, int> phases;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       phases["Paused"] < kRollouts && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(200ms)) {
    phases.clear();
    for (const json& r : get(any(), "/v1/rollouts").value("rollouts", json::array()))
      ++phases[r.value("phase", "")];
  }
  EXPECT_EQ(phases["Paused"], kRollouts) << json(phases).dump();
}

TEST_F(ReplicaFailover, AnyReplicaTakesChangesAndStreamsEventsOfRolloutsItDoesNotRun) {
  const std::string name = "held", weights = dir_.file("held.weights");
  RolloutSpec spec = testing::command_spec(name, testing::kHold, weights, "/nonexistent");
  std::get<CommandRouter>(spec.traffic.router).setWeight = {"sh", "-c",
                                                            "echo $PPID {{weight}} >> " + weights};
  put(any(), name, to_json(spec).dump());
  json status;
  for (auto until = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(20ms))
    if ((status = get(any(), "/v1/rollouts/" + name)).value("phase", "") == "Paused") break;
  ASSERT_EQ(status.value("phase", ""), "Paused") << status.dump();
  testing::ServeProcess* owner = process_of(status["owner"]);
  ASSERT_TRUE(owner);
  testing::ServeProcess* other = nullptr;
  for (auto& r : replicas_)
    if (r.get() != owner) other = r.get();

  // A stream on a replica that does not run it: the history, then what the owner does next.
  testing::TestHttpClient stream(other->port(), 10s);
  stream.send("GET", "/v1/rollouts/" + name + "/events?watch=true");
  std::string bytes;
  ASSERT_TRUE(stream.read_until(bytes, [](const std::string& b) {
    return b.find("waiting for promote") != std::string::npos;
  })) << bytes;
  // Promoted through that replica: the owner carries it out and the answer comes back.
  testing::TestHttpClient client(other->port(), 20s);
  auto promoted = client.request("POST", "/v1/rollouts/" + name + "/promote");
  EXPECT_EQ(promoted.status, 200) << promoted.body;
  ASSERT_TRUE(stream.read_until(bytes, [](const std::string& b) {
    return b.find(": setWeight 50") != std::string::npos;
  })) << bytes;
  EXPECT_TRUE(testing::contains(testing::lines_of(weights), std::to_string(owner->pid()) + " 50"));
  // A change the rollout's phase refuses is refused with the owner's reason.
  auto undo = client.request("POST", "/v1/rollouts/" + name + "/retry");
  EXPECT_EQ(undo.status, 409) << undo.body;
  // An unknown name is unknown everywhere.
  EXPECT_EQ(client.request("POST", "/v1/rollouts/nobody/promote").status, 404);
}

// Every replica hears every rollout's events (for its event streams); the notifications of a
// rollout are sent by the replica that runs it alone.
TEST_F(ReplicaFailover, EachNotificationIsSentOnceByTheReplicaThatRunsTheRollout) {
  testing::TestHttpServer receiver;
  receiver.answer("/hook", 200);
  RolloutSpec spec = rollout_spec("notified", dir_.file("notified.weights"));
  WebhookSpec hook;
  hook.url = "http://" + receiver.endpoint() + "/hook";
  hook.events = {Phase::Progressing, Phase::Succeeded};
  spec.notifications.push_back(hook);
  put(any(), "notified", to_json(spec).dump());
  for (auto until = std::chrono::steady_clock::now() + 30s;
       phase("notified") != "Succeeded" && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(phase("notified"), "Succeeded");
  std::multiset<std::string> delivered;
  for (auto until = std::chrono::steady_clock::now() + 10s;
       delivered.count("Succeeded") == 0 && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(50ms)) {
    delivered.clear();
    for (const auto& r : receiver.requests()) delivered.insert(json::parse(r.body)["phase"]);
  }
  std::this_thread::sleep_for(1s);  // time for a second sender to be heard, were there one
  delivered.clear();
  for (const auto& r : receiver.requests()) delivered.insert(json::parse(r.body)["phase"]);
  EXPECT_EQ(delivered, (std::multiset<std::string>{"Progressing", "Succeeded"}));
}

TEST_F(ReplicaFailover, APostgresqlRestartMidRolloutHoldsEveryRolloutThenEachFinishes) {
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    names.push_back("outage-" + std::to_string(i));
    put(any(), names.back(),
        rollout_json(names.back(), dir_.file(names.back() + ".weights"), "1s"));
  }
  for (const std::string& n : names) {
    for (auto until = std::chrono::steady_clock::now() + 20s;
         get(any(), "/v1/rollouts/" + n).value("step", 0) < 2 &&
         std::chrono::steady_clock::now() < until;)
      std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(pg_.stop());
  std::this_thread::sleep_for(300ms);  // a router command started just before may still run
  std::map<std::string, std::vector<std::string>> held;
  for (const std::string& n : names) held[n] = testing::lines_of(dir_.file(n + ".weights"));
  // Three leases long, and the pauses are over: nobody may advance blind.
  std::this_thread::sleep_for(3s);
  for (const std::string& n : names)
    EXPECT_EQ(testing::lines_of(dir_.file(n + ".weights")), held[n]) << n;
  ASSERT_TRUE(pg_.start()) << pg_.error();
  for (const std::string& n : names) {
    std::string p;
    for (auto until = std::chrono::steady_clock::now() + 60s;
         (p = phase(n)) != "Succeeded" && std::chrono::steady_clock::now() < until;)
      std::this_thread::sleep_for(50ms);
    EXPECT_EQ(p, "Succeeded") << n << replicas_[0]->log_tail();
    expect_clean_history(n);
    const std::vector<int> weights = weights_of(dir_.file(n + ".weights"));
    EXPECT_TRUE(std::is_sorted(weights.begin(), weights.end())) << n;
  }
}

TEST_F(ReplicaFailover, TheReplicasListShowsEachWithItsLeases) {
  put(any(), "listed", rollout_json("listed", dir_.file("listed.weights"), "30s"));
  json listed;
  for (auto until = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
    listed = get(any(), "/v1/replicas");
    int leases = 0;
    for (const json& r : listed.value("replicas", json::array()))
      leases += static_cast<int>(r["rollouts"].size());
    if (listed["replicas"].size() == 3 && leases == 1) break;
  }
  ASSERT_EQ(listed["replicas"].size(), 3u) << listed.dump();
  std::string holder;
  for (const json& r : listed["replicas"])
    for (const json& l : r["rollouts"])
      if (l["rollout"] == "listed") holder = r["id"];
  EXPECT_EQ(get(any(), "/v1/rollouts/listed").value("owner", ""), holder) << listed.dump();
  // Read through every replica: the same rollout, the same owner.
  for (auto& r : replicas_) EXPECT_EQ(get(*r, "/v1/rollouts/listed").value("owner", ""), holder);
}

}  // namespace
}  // namespace rollguard
