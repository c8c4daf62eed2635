// ctest: integration
// What only the PostgreSQL store does, on a throwaway cluster this test process starts: a
// fresh database gets the latest schema and an append-only log; a newer schema is refused
// untouched; one server per database, the refusal naming the holder; a restarted database
// is reconnected to; a store whose session was cut takes the database again before writing,
// or fails the write when another server has it meanwhile.
#include "controller/store/pg_store.hpp"

#include <gtest/gtest.h>

#include "controller/store/pg_schema.hpp"
#include "store_records.hpp"
#include "support/postgres_cluster.hpp"

namespace rollguard {
namespace {

using namespace store_test;
using testing::PostgresCluster;
using testing::shared_postgres;

std::string database_of(const std::string& uri) {
  return uri.substr(uri.rfind('/') + 1);
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = pg().fresh_database();
    ASSERT_FALSE(uri_.empty()) << pg().error();
  }
  PostgresCluster& pg() { return shared_postgres(); }
  std::variant<std::unique_ptr<PgStore>, StoreError> open(const std::string& holder = "test") {
    return PgStore::open(uri_, holder);
  }
  std::unique_ptr<PgStore> opened(const std::string& holder = "test") {
    auto r = open(holder);
    if (auto* e = std::get_if<StoreError>(&r)) ADD_FAILURE() << e->message;
    return std::get<std::unique_ptr<PgStore>>(std::move(r));
  }
  std::string sql(const std::string& statement) { return pg().psql(database_of(uri_), statement); }

  std::string uri_;
};

TEST_F(PgStoreTest, AFreshDatabaseHasTheLatestSchemaAndAnAppendOnlyLog) {
  auto store = opened();
  EXPECT_EQ(sql("SELECT version FROM rollguard_schema"),
            std::to_string(pg::latest_schema_version()));
  value(store->begin_revision(record("a", 1, "2.0.0"), "ci",
                              {event(1, EventKind::Note, Phase::Pending, "x")}));
  EXPECT_NE(sql("UPDATE events SET reason = 'y'").find("append-only"), std::string::npos);
  EXPECT_NE(sql("DELETE FROM events").find("append-only"), std::string::npos);
  EXPECT_EQ(sql("SELECT reason FROM events"), "x");
}

TEST_F(PgStoreTest, ADatabaseFromANewerRollguardIsRefusedUntouched) {
  opened().reset();
  ASSERT_EQ(sql("UPDATE rollguard_schema SET version = 99"), "");
  auto again = open();
  ASSERT_TRUE(std::holds_alternative<StoreError>(again));
  EXPECT_NE(std::get<StoreError>(again).message.find("newer rollguard (schema version 99"),
            std::string::npos)
      << std::get<StoreError>(again).message;
  EXPECT_EQ(sql("SELECT version FROM rollguard_schema"), "99");
}

TEST_F(PgStoreTest, ASecondServerIsRefusedWithTheFirstOnesName) {
  auto first = opened("rollguard serve pid 1 on alpha");
  auto second = open("rollguard serve pid 2 on beta");
  ASSERT_TRUE(std::holds_alternative<StoreError>(second));
  EXPECT_EQ(std::get<StoreError>(second).message,
            "the database is in use by another rollguard (rollguard serve pid 1 on alpha); one "
            "server per database until replicas share one");
  first.reset();
  EXPECT_TRUE(std::holds_alternative<std::unique_ptr<PgStore>>(open("rollguard serve pid 2")));
}

TEST_F(PgStoreTest, ARestartedDatabaseIsReconnectedAndNothingIsLost) {
  auto store = opened();
  RolloutRecord r = record("a", 1, "2.0.0");
  value(store->begin_revision(r, "ci", {event(1, EventKind::Note, Phase::Pending, "before")}));
  ASSERT_TRUE(pg().stop());
  auto down = store->append("a", 1, {event(2, EventKind::Note, Phase::Pending, "lost")}, r.state);
  ASSERT_TRUE(std::holds_alternative<StoreError>(down));
  EXPECT_NE(std::get<StoreError>(down).message.find("append to a: "), std::string::npos);
  ASSERT_TRUE(pg().start()) << pg().error();
  // The first call after the restart may still find the old session closed; the next one
  // reconnects. Nothing the failed calls tried is there.
  auto again = store->append("a", 1, {event(3, EventKind::Note, Phase::Pending, "after")}, r.state);
  if (std::holds_alternative<StoreError>(again))
    again = store->append("a", 1, {event(3, EventKind::Note, Phase::Pending, "after")}, r.state);
  ASSERT_TRUE(std::holds_alternative<std::vector<StoredEvent>>(again))
      << std::get<StoreError>(again).message;
  auto events = value(store->events("a", 0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.reason, "before");
  EXPECT_EQ(events[1].event.reason, "after");
  EXPECT_EQ(events[1].seq, 2);
}

TEST_F(PgStoreTest, AStoreWhoseSessionWasCutDoesNotWriteOnceAnotherServerHasTheDatabase) {
  auto first = opened("first");
  RolloutRecord r = record("a", 1, "2.0.0");
  value(first->begin_revision(r, "ci", {}));
  // A network cut as the server sees it: the session ends and its lock goes with it.
  ASSERT_EQ(sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'first'"),
            "t");
  auto second = opened("second");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto write =
        first->append("a", 1, {event(2, EventKind::Note, Phase::Pending, "stale")}, r.state);
    ASSERT_TRUE(std::holds_alternative<StoreError>(write));
    if (attempt == 1) {
      EXPECT_NE(std::get<StoreError>(write).message.find("in use by another rollguard (second)"),
                std::string::npos)
          << std::get<StoreError>(write).message;
    }
  }
  EXPECT_TRUE(value(second->events("a", 0)).empty());
  value(second->append("a", 1, {event(3, EventKind::Note, Phase::Pending, "fresh")}, r.state));
  EXPECT_EQ(value(second->events("a", 0)).size(), 1u);
}

}  // namespace
}  // namespace rollguard
