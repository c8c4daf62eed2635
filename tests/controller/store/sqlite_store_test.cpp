// What only the SQLite store does, on real files in temp dirs: WAL at the latest version; the
// event log refuses edits; an old-version file is migrated and a newer one refused; a damaged
// row is reported. What every engine does is in store_contract_test.cpp.
#include "controller/store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include "controller/store/sqlite_schema.hpp"
#include "controller/store/state_json.hpp"
#include "manifests/manifest_json.hpp"
#include "store_records.hpp"
#include "support/specs.hpp"
#include "support/temp_dir.hpp"

namespace rollguard {
namespace {

using namespace store_test;

using testing::TempDir;

std::unique_ptr<SqliteStore> open_store(const std::string& path) {
  auto opened = SqliteStore::open(path);
  if (auto* e = std::get_if<StoreError>(&opened)) ADD_FAILURE() << e->message;
  return std::get<std::unique_ptr<SqliteStore>>(std::move(opened));
}

TEST(SqliteStore, FreshFileIsWalAtTheLatestVersion) {
  TempDir dir("store");
  auto store = open_store(dir.file("r.db"));
  sqlite::Database raw;
  ASSERT_EQ(raw.open(dir.file("r.db")), "");
  std::string e;
  auto mode = raw.prepare("PRAGMA journal_mode", e);
  ASSERT_TRUE(mode.step(e)) << e;
  EXPECT_EQ(mode.text(0), "wal");
  EXPECT_EQ(sqlite::schema_version(raw), sqlite::latest_schema_version());
}

TEST(SqliteStore, TheEventLogRefusesEdits) {
  TempDir dir("store");
  {
    auto store = open_store(dir.file("r.db"));
    value(store->begin_revision(record("a", 1, "2.0.0"), "ci", {}));
    value(store->append("a", 1, {event(1, EventKind::Note, Phase::Pending, "x")}, RolloutState{}));
  }
  sqlite::Database raw;
  ASSERT_EQ(raw.open(dir.file("r.db")), "");
  EXPECT_NE(raw.exec("UPDATE events SET reason = 'y'").find("append-only"), std::string::npos);
  EXPECT_NE(raw.exec("DELETE FROM events").find("append-only"), std::string::npos);
}

// Version 1 as it was released, written by hand the way an old rollguard left it.
TEST(SqliteStore, AVersionOneFileIsMigrated) {
  TempDir dir("store");
  const RolloutRecord r = record("legacy", 3, "2.0.0");
  {
    sqlite::Database raw;
    ASSERT_EQ(raw.open(dir.file("r.db")), "");
    ASSERT_EQ(sqlite::migrate(raw, 1), "");
    ASSERT_EQ(sqlite::schema_version(raw), 1);
    std::string e;
    const std::string spec = to_json(r.spec).dump();
    auto row = raw.prepare("INSERT INTO rollouts VALUES ('legacy', 3, ?, ?, '1.0.0', 0, 5)", e);
    ASSERT_EQ(row.bind(1, spec).bind(2, state_to_store_json(r.state).dump()).run(), "");
    auto rev =
        raw.prepare("INSERT INTO revisions VALUES ('legacy', 3, ?, '2.0.0', '1.0.0', 5, 'ci')", e);
    ASSERT_EQ(rev.bind(1, spec).run(), "");
    ASSERT_EQ(raw.exec("INSERT INTO events VALUES ('legacy', 3, 1, 5, 'Note', 'Pending', 0, "
                       "'old', '')"),
              "");
    // Version 1 had no guard on the log and no measurements table.
    ASSERT_NE(raw.exec("SELECT * FROM measurements").find("no such table"), std::string::npos);
  }
  auto store = open_store(dir.file("r.db"));
  Store::Loaded loaded = value(store->load());
  ASSERT_EQ(loaded.rollouts.size(), 1u);
  EXPECT_EQ(loaded.rollouts[0].revision, 3);
  EXPECT_EQ(loaded.rollouts[0].spec, r.spec);
  EXPECT_EQ(loaded.rollouts[0].state, r.state);
  EXPECT_EQ(value(store->events("legacy", 0)).at(0).event.reason, "old");
  EXPECT_EQ(
      value(store->append("legacy", 3, {event(9, EventKind::Note, Phase::Pending, "new")}, r.state))
          .at(0)
          .seq,
      2);
  ASSERT_EQ(store->add_measurements({{"legacy", 3, "x", "m", 1.0, Verdict::Successful, at(1)}}),
            std::nullopt);
  sqlite::Database raw;
  ASSERT_EQ(raw.open(dir.file("r.db")), "");
  EXPECT_EQ(sqlite::schema_version(raw), sqlite::latest_schema_version());
  EXPECT_NE(raw.exec("DELETE FROM events").find("append-only"), std::string::npos);
}

TEST(SqliteStore, AFileFromANewerRollguardIsRefused) {
  TempDir dir("store");
  {
    sqlite::Database raw;
    ASSERT_EQ(raw.open(dir.file("r.db")), "");
    ASSERT_EQ(raw.exec("PRAGMA user_version = 99"), "");
  }
  auto opened = SqliteStore::open(dir.file("r.db"));
  ASSERT_TRUE(std::holds_alternative<StoreError>(opened));
  EXPECT_NE(std::get<StoreError>(opened).message.find("newer rollguard"), std::string::npos);
}

TEST(SqliteStore, AnUnreadableRowIsReportedAndTheOthersLoad) {
  TempDir dir("store");
  {
    auto store = open_store(dir.file("r.db"));
    value(store->begin_revision(record("good", 1, "2.0.0"), "ci", {}));
    value(store->begin_revision(record("bad", 1, "2.0.0"), "ci", {}));
  }
  {
    sqlite::Database raw;
    ASSERT_EQ(raw.open(dir.file("r.db")), "");
    ASSERT_EQ(raw.exec("UPDATE rollouts SET state = '{}' WHERE name = 'bad'"), "");
  }
  auto store = open_store(dir.file("r.db"));
  Store::Loaded loaded = value(store->load());
  ASSERT_EQ(loaded.rollouts.size(), 1u);
  EXPECT_EQ(loaded.rollouts[0].name, "good");
  ASSERT_EQ(loaded.unreadable.size(), 1u);
  EXPECT_EQ(loaded.unreadable[0].first, "bad");
}

}  // namespace
}  // namespace rollguard
