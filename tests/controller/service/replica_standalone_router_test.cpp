// ctest: integration slow
// Replicas over a standalone `rollguard router` (traffic.builtin.admin), on a PostgreSQL
// cluster this test starts: the rollout's owner configures the router; killed with -9, it
// leaves the router serving its last split, exactly, while the lease expires and another
// replica takes the rollout over and carries it to the end through the same router. A
// built-in router inside a controller is still refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "controller/service/replica_processes.hpp"
#include "controller/service/serve_process.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"
#include "support/postgres_cluster.hpp"
#include "support/router_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"
#include "support/test_http_server.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

class ReplicasOverAStandaloneRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    stable_.answer("/", 200, "1.0.0");
    canary_.answer("/", 200, "2.0.0");
    ASSERT_TRUE(router_.start());
    uri_ = pg_.fresh_database();
    ASSERT_FALSE(uri_.empty()) << pg_.error();
    testing::start_replicas(replicas_, uri_, dir_, 3);
  }

  std::string manifest(const std::string& name, const std::string& traffic) const {
    const std::string yaml =
        "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: " + name +
        "}\nspec:\n"
        "  stable: {version: \"1.0.0\"}\n"
        "  canary: {version: \"2.0.0\"}\n"
        "  target: {static: {stable: [\"" +
        stable_.endpoint() + "\"], canary: [\"" + canary_.endpoint() +
        "\"]}}\n"
        "  traffic: " +
        traffic +
        "\n"
        "  strategy: {canary: {steps: [{setWeight: 20}, {pause: {duration: 4s}}, "
        "{setWeight: 60}, {pause: {duration: 1s}}]}}\n"
        "  rollback: {progressDeadline: 10m, keepPreviousFor: 0s}\n";
    Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, name + ".yaml");
    for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
    return to_json(parsed.value.value_or(RolloutSpec{})).dump();
  }
  std::string standalone() const {
    return "{builtin: {listen: \"" + router_.listen() + "\", admin: \"" + router_.admin() + "\"}}";
  }

  testing::ServeProcess& any() {
    for (auto& r : replicas_)
      if (r->pid() > 0) return *r;
    return *replicas_.front();
  }
  json get(std::uint16_t port, const std::string& target) {
    try {
      testing::TestHttpClient client(port, 5s);
      auto reply = client.get(target);
      return reply.status == 200 ? json::parse(reply.body) : json::object();
    } catch (const std::exception&) {
      return json::object();
    }
  }
  // A 503 (nothing done: a lease moving) or a dropped connection is asked again, as a client
  // would.
  testing::TestResponse put(const std::string& name, const std::string& body) {
    testing::TestResponse reply;
    for (auto until = std::chrono::steady_clock::now() + 20s;; std::this_thread::sleep_for(50ms)) {
      try {
        testing::TestHttpClient client(any().port(), 10s);
        reply = client.request("PUT", "/v1/rollouts/" + name, body,
                               {{"Content-Type", "application/json"}});
      } catch (const std::exception& e) {
        reply = {};
        reply.body = e.what();
      }
      if ((reply.status != 503 && reply.status != 0) || std::chrono::steady_clock::now() >= until)
        break;
    }
    return reply;
  }
  testing::ServeProcess* process_of(const std::string& id) {
    for (const json& r : get(any().port(), "/v1/replicas").value("replicas", json::array())) {
      if (r.value("id", "") != id) continue;
      const std::string api = r.value("api", "");
      const auto port = std::stoi(api.substr(api.rfind(':') + 1));
      for (auto& p : replicas_)
        if (p->pid() > 0 && p->port() == port) return p.get();
    }
    return nullptr;
  }
  std::map<std::string, int> bodies_of(int n) {
    std::map<std::string, int> seen;
    for (int i = 0; i < n; ++i) {
      auto request = testing::make_get("/");
      request.prepare_payload();
      const auto r = testing::exchange_once(router_.listen_port, request);
      ++seen[r.error ? r.error.message() : r.status == 200 ? r.body : std::to_string(r.status)];
    }
    return seen;
  }

  testing::TestHttpServer stable_, canary_;
  testing::RouterProcess router_;
  testing::PostgresCluster& pg_ = testing::shared_postgres();
  testing::TempDir dir_{"replica-router"};
  std::string uri_;
  std::vector<std::unique_ptr<testing::ServeProcess>> replicas_;
};

TEST_F(ReplicasOverAStandaloneRouter, TheOwnerKilledLeavesTheSplitAndAnotherFinishes) {
  const auto created = put("edge", manifest("edge", standalone()));
  ASSERT_TRUE(created.status == 200 || created.status == 201)
      << created.body << replicas_[0]->log_tail() << replicas_[1]->log_tail()
      << replicas_[2]->log_tail();
  json routes;
  for (auto until = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
    routes = get(router_.admin_port, "/v1/routes");
    if (routes.value("rollout", "") == "edge" && routes["split"]["canary"] == 20.0) break;
  }
  ASSERT_EQ(routes["split"]["canary"], 20.0) << routes.dump();
  const json status = get(any().port(), "/v1/rollouts/edge");
  ASSERT_TRUE(status["owner"].is_string()) << status.dump();
  const std::string first_owner = status["owner"];
  testing::ServeProcess* owner = process_of(first_owner);
  ASSERT_NE(owner, nullptr);
  owner->kill(SIGKILL);

  // No controller is configuring the router now: it serves its last split, exactly.
  EXPECT_EQ(bodies_of(50), (std::map<std::string, int>{{"1.0.0", 40}, {"2.0.0", 10}}));

  std::string phase;
  json last;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       phase != "Succeeded" && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(100ms)) {
    last = get(any().port(), "/v1/rollouts/edge");
    phase = last.value("phase", "");
  }
  ASSERT_EQ(phase, "Succeeded") << last.dump();
  EXPECT_NE(last.value("owner", first_owner), first_owner);
  const json after = get(router_.admin_port, "/v1/routes");
  EXPECT_GT(after["revision"].get<int>(), routes["revision"].get<int>());
  EXPECT_EQ(after.value("rollout", ""), "edge");
  EXPECT_EQ(bodies_of(10), (std::map<std::string, int>{{"2.0.0", 10}})) << after.dump();
}

TEST_F(ReplicasOverAStandaloneRouter, ABuiltinRouterInsideAControllerIsStillRefused) {
  const auto refused = put("inside", manifest("inside", "{builtin: {listen: \"127.0.0.1:0\"}}"));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("standalone router"));
}

}  // namespace
}  // namespace rollguard
