// The SQLite store on real files in temp dirs: what is written is what is loaded, after a
// reopen too; the event log numbers per name and refuses edits; a failed write leaves
// nothing behind; an old-version file is migrated and a newer one refused.
#include "controller/store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include "controller/store/sqlite_schema.hpp"
#include "controller/store/state_json.hpp"
#include "manifests/manifest_json.hpp"
#include "support/specs.hpp"
#include "support/temp_dir.hpp"

namespace rollguard {
namespace {

using testing::TempDir;

std::unique_ptr<SqliteStore> open_store(const std::string& path) {
  auto opened = SqliteStore::open(path);
  if (auto* e = std::get_if<StoreError>(&opened)) ADD_FAILURE() << e->message;
  return std::get<std::unique_ptr<SqliteStore>>(std::move(opened));
}

template <class T>
T value(StoreResult<T> r) {
  if (auto* e = std::get_if<StoreError>(&r)) ADD_FAILURE() << e->message;
  return std::get<T>(std::move(r));
}

TimePoint at(int seconds) {
  return TimePoint{std::chrono::seconds(1'700'000'000 + seconds)};
}

RolloutRecord record(const std::string& name, int revision, const std::string& canary) {
  RolloutRecord r;
  r.name = name;
  r.revision = revision;
  r.spec = testing::canary_spec({SetWeightStep{20}, PauseStep{10s}});
  r.spec.metadata.name = name;
  r.spec.canary = canary;
  r.applied = r.spec;
  r.state.knownGood = r.state.stableVersion = "1.0.0";
  r.state.canaryVersion = canary;
  r.state.startedAt = at(revision);
  r.updatedAt = at(revision);
  return r;
}

Event event(int second, EventKind kind, Phase phase, std::string reason, std::string actor = {}) {
  return Event{at(second), kind, phase, 1, std::move(reason), std::move(actor)};
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

TEST(SqliteStore, WhatIsWrittenIsLoadedAfterReopen) {
  TempDir dir("store");
  RolloutRecord r = record("checkout", 1, "2.0.0");
  RolloutState later = r.state;
  later.phase = Phase::Progressing;
  later.verdicts["a-1"] = Verdict::Successful;
  later.message = "step 1/2";
  {
    auto store = open_store(dir.file("r.db"));
    value(store->begin_revision(r, "ci", {}));
    RolloutSpec applied = r.spec;
    applied.rollback.progressDeadline = 3min;
    ASSERT_EQ(store->update_applied("checkout", applied), std::nullopt);
    r.applied = applied;
    auto stored = value(store->append(
        "checkout", 1, {event(5, EventKind::PhaseChanged, Phase::Progressing, "go")}, later));
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].seq, 1);
  }
  auto store = open_store(dir.file("r.db"));
  Store::Loaded loaded = value(store->load());
  ASSERT_EQ(loaded.rollouts.size(), 1u);
  EXPECT_TRUE(loaded.unreadable.empty());
  const RolloutRecord& back = loaded.rollouts[0];
  EXPECT_EQ(back.name, "checkout");
  EXPECT_EQ(back.revision, 1);
  EXPECT_EQ(back.spec, r.spec);
  EXPECT_EQ(back.applied, r.applied);
  EXPECT_EQ(back.state, later);
  EXPECT_FALSE(back.removed);
  EXPECT_EQ(back.updatedAt, at(5));
}

TEST(SqliteStore, EventsAreNumberedPerNameAcrossRevisionsAndRemoval) {
  TempDir dir("store");
  auto store = open_store(dir.file("r.db"));
  RolloutRecord one = record("a", 1, "2.0.0");
  value(store->begin_revision(one, "ci", {}));
  value(store->begin_revision(record("b", 1, "2.0.0"), "ci", {}));
  value(store->append("a", 1,
                      {event(1, EventKind::PhaseChanged, Phase::Pending, "p"),
                       event(2, EventKind::PhaseChanged, Phase::Progressing, "q")},
                      one.state));
  value(store->append("b", 1, {event(1, EventKind::Note, Phase::Pending, "b")}, one.state));
  value(store->append("a", 1, {event(3, EventKind::Note, Phase::Progressing, "removed", "ann")},
                      one.state, true));
  EXPECT_TRUE(value(store->load()).rollouts[0].removed);
  auto second = value(store->begin_revision(
      record("a", 2, "3.0.0"), "ci", {event(4, EventKind::PhaseChanged, Phase::Pending, "r2")}));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].seq, 4);
  EXPECT_FALSE(value(store->load()).rollouts[0].removed);

  auto all = value(store->events("a", 0));
  ASSERT_EQ(all.size(), 4u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, static_cast<int>(i) + 1);
  EXPECT_EQ(all[2].event.actor, "ann");
  EXPECT_EQ(all[3].revision, 2);
  EXPECT_EQ(all[1].event, event(2, EventKind::PhaseChanged, Phase::Progressing, "q"));
  auto tail = value(store->events("a", 2, 1));
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].seq, 3);
  EXPECT_EQ(value(store->events("b", 0)).size(), 1u);
  EXPECT_TRUE(value(store->events("nobody", 0)).empty());
}

TEST(SqliteStore, AFailedAppendLeavesNothingBehind) {
  TempDir dir("store");
  auto store = open_store(dir.file("r.db"));
  value(store->begin_revision(record("a", 1, "2.0.0"), "ci", {}));
  // Revision 7 does not exist: the state write fails, so the event must not stay either.
  auto r = store->append("a", 7, {event(1, EventKind::Note, Phase::Pending, "x")}, RolloutState{});
  ASSERT_TRUE(std::holds_alternative<StoreError>(r));
  EXPECT_TRUE(value(store->events("a", 0)).empty());
  EXPECT_TRUE(store->update_applied("nobody", RolloutSpec{}).has_value());
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

TEST(SqliteStore, MeasurementsAreKeptUntilRetentionDropsThem) {
  TempDir dir("store");
  auto store = open_store(dir.file("r.db"));
  std::vector<MeasurementRecord> ms{
      {"a", 1, "step-1-0", "errors", 0.01, Verdict::Successful, at(10)},
      {"a", 1, "step-1-0", "errors", std::nullopt, Verdict::Error, at(20)},
      {"a", 1, "step-1-0", "latency", 120.0, Verdict::Failed, at(30)},
      {"b", 1, "bg-0", "errors", 0.0, Verdict::Successful, at(40)},
  };
  ASSERT_EQ(store->add_measurements(ms), std::nullopt);
  EXPECT_EQ(value(store->measurements("a")), (std::vector<MeasurementRecord>{ms[0], ms[1], ms[2]}));
  EXPECT_EQ(value(store->prune_measurements(at(25))), 2);
  EXPECT_EQ(value(store->measurements("a")), (std::vector<MeasurementRecord>{ms[2]}));
  EXPECT_EQ(value(store->measurements("b")), (std::vector<MeasurementRecord>{ms[3]}));
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
