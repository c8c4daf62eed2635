// ctest: integration
// `rollguard serve --store postgresql://...` on a throwaway cluster this test starts: a
// rollout applied to one server is there, with its history, for the next; a second server on
// the same database refuses to start, names the first and exits 4; a URI that is not
// PostgreSQL's, or --store with --data, is a usage error (exit 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "controller/service/serve_process.hpp"
#include "support/postgres_cluster.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kManifest = R"({"apiVersion": "rollguard.dev/v1", "kind": "Rollout",
  "metadata": {"name": "checkout"},
  "spec": {"stable": {"version": "1.0.0"}, "canary": {"version": "2.0.0"},
           "target": {"static": {"stable": ["127.0.0.1:1"], "canary": ["127.0.0.1:2"]}},
           "traffic": {"none": {}},
           "strategy": {"canary": {"steps": [{"setWeight": 10}, {"pause": {}}]}}}})";

// The rollout's phase once it is Paused, or the last one seen when `within` runs out (the
// server answers 503 until it has loaded its rollouts).
std::string phase_within(testing::TestHttpClient& client, std::chrono::milliseconds within) {
  std::string phase;
  for (auto until = std::chrono::steady_clock::now() + within;
       phase != "Paused" && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(20ms)) {
    auto got = client.get("/v1/rollouts/checkout");
    if (got.status == 200) phase = nlohmann::json::parse(got.body).value("phase", "");
  }
  return phase;
}

TEST(ServeStore, ARolloutOnPostgresqlOutlivesItsServerAndASecondServerIsRefused) {
  testing::PostgresCluster& pg = testing::shared_postgres();
  const std::string uri = pg.fresh_database();
  ASSERT_FALSE(uri.empty()) << pg.error();
  testing::TempDir dir("serve-store");

  testing::ServeProcess first(uri, dir.file("first.log"));
  ASSERT_EQ(first.start(), "");
  auto api = first.wait_ready(20s);
  ASSERT_TRUE(api) << first.log_tail();
  {
    testing::TestHttpClient client(*api, 10s);
    auto put = client.request("PUT", "/v1/rollouts/checkout", kManifest,
                              {{"Content-Type", "application/json"}});
    ASSERT_EQ(put.status, 201) << put.body;
    // The whole history up to the pause is the first server's before anything else happens.
    ASSERT_EQ(phase_within(client, 20s), "Paused") << first.log_tail();
  }
  EXPECT_THAT(first.log_tail(), HasSubstr("(store " + uri + ")"));

  testing::ServeProcess second(uri, dir.file("second.log"));
  ASSERT_EQ(second.start(), "");
  const auto refused = second.wait_exit(20s);
  ASSERT_TRUE(refused) << second.log_tail();
  ASSERT_TRUE(WIFEXITED(*refused));
  EXPECT_EQ(WEXITSTATUS(*refused), 4) << second.log_tail();
  EXPECT_THAT(second.log_tail(),
              HasSubstr("the database is in use by another rollguard (rollguard serve pid " +
                        std::to_string(first.pid())));

  EXPECT_EQ(WEXITSTATUS(first.kill(SIGTERM)), 0) << first.log_tail();
  testing::ServeProcess third(uri, dir.file("third.log"));
  ASSERT_EQ(third.start(), "");
  auto again = third.wait_listening(20s);
  ASSERT_TRUE(again) << third.log_tail();
  testing::TestHttpClient client(*again, 10s);
  EXPECT_EQ(phase_within(client, 20s), "Paused") << third.log_tail();
  // The history the first server wrote, from Pending to the pause, read through the third.
  auto events = nlohmann::json::parse(client.get("/v1/rollouts/checkout/events").body)["events"];
  ASSERT_GE(events.size(), 5u) << events.dump();
  EXPECT_EQ(events[0]["phase"], "Pending") << events.dump();
  EXPECT_EQ(events[4]["phase"], "Paused") << events.dump();
}

TEST(ServeStore, AStoreThatIsNotPostgresqlOrComesWithDataIsAUsageError) {
  auto not_pg = testing::run_shell(std::string(ROLLGUARD_BINARY) +
                                   " serve --store mysql://x@127.0.0.1/db 2>&1");
  EXPECT_EQ(not_pg.exit_code, 2);
  EXPECT_THAT(not_pg.output, HasSubstr("is not a PostgreSQL URI (postgresql://USER@HOST:PORT/DB)"));
  auto both = testing::run_shell(std::string(ROLLGUARD_BINARY) +
                                 " serve --data d --store postgresql://x@127.0.0.1/db 2>&1");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.output, HasSubstr("excludes"));
}

}  // namespace
}  // namespace rollguard
