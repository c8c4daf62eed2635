// ctest: integration
// What every Store engine promises, run on SQLite (a file in a temp dir) and on PostgreSQL (a
// database of a throwaway cluster this test process starts): what is written is what is
// loaded, after a reopen too; events are numbered per name across revisions; a failed write
// leaves nothing behind; measurements stay until retention drops them.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "controller/store/pg_store.hpp"
#include "controller/store/sqlite_store.hpp"
#include "store_records.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

namespace rollguard {
namespace {

using namespace store_test;

template <class S>
std::unique_ptr<Store> opened(std::variant<std::unique_ptr<S>, StoreError> result) {
  if (auto* e = std::get_if<StoreError>(&result)) {
    ADD_FAILURE() << e->message;
    return nullptr;
  }
  return std::get<std::unique_ptr<S>>(std::move(result));
}

// One place a store lives; open() may be called again after the last store is gone.
struct Engine {
  std::string name;
  std::function<std::function<std::unique_ptr<Store>()>()> make_location;
};

void PrintTo(const Engine& engine, std::ostream* out) {
  *out << engine.name;
}

class StoreContract : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override { open_at_ = GetParam().make_location(); }
  std::unique_ptr<Store> open() {
    auto store = open_at_();
    if (!store) throw std::runtime_error("store did not open");
    return store;
  }

 private:
  std::function<std::unique_ptr<Store>()> open_at_;
};

Engine sqlite_engine() {
  return {"sqlite", [] {
            auto dir = std::make_shared<testing::TempDir>("store");
            return std::function<std::unique_ptr<Store>()>(
                [dir] { return opened(SqliteStore::open(dir->file("r.db"))); });
          }};
}

Engine postgresql_engine() {
  return {"postgresql", [] {
            testing::PostgresCluster& cluster = testing::shared_postgres();
            const std::string uri = cluster.fresh_database();
            if (uri.empty()) ADD_FAILURE() << cluster.error();
            return std::function<std::unique_ptr<Store>()>(
                [uri] { return opened(PgStore::open(uri, "store contract test")); });
          }};
}

TEST_P(StoreContract, WhatIsWrittenIsLoadedAfterReopen) {
  RolloutRecord r = record("checkout", 1, "2.0.0");
  RolloutState later = r.state;
  later.phase = Phase::Progressing;
  later.verdicts["a-1"] = Verdict::Successful;
  later.message = "step 1/2";
  {
    auto store = open();
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
  auto store = open();
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

TEST_P(StoreContract, OneRolloutOrSomeAreLoadedByName) {
  auto store = open();
  for (const char* name : {"a", "b", "c"})
    value(store->begin_revision(record(name, 1, "2.0"), "ci", {}));
  EXPECT_EQ(value(store->load_rollout("b"))->name, "b");
  EXPECT_EQ(value(store->load_rollout("nobody")), std::nullopt);
  Store::Loaded some = value(store->load_rollouts({"c", "nobody", "a"}));
  std::vector<std::string> names;
  for (const RolloutRecord& r : some.rollouts) names.push_back(r.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "c"}));
  EXPECT_TRUE(some.unreadable.empty());
  EXPECT_TRUE(value(store->load_rollouts({})).rollouts.empty());
}

TEST_P(StoreContract, EventsAreNumberedPerNameAcrossRevisionsAndRemoval) {
  auto store = open();
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

TEST_P(StoreContract, AFailedAppendLeavesNothingBehind) {
  auto store = open();
  value(store->begin_revision(record("a", 1, "2.0.0"), "ci", {}));
  // Revision 7 does not exist: the state write fails, so the event must not stay either.
  auto r = store->append("a", 7, {event(1, EventKind::Note, Phase::Pending, "x")}, RolloutState{});
  ASSERT_TRUE(std::holds_alternative<StoreError>(r));
  EXPECT_TRUE(value(store->events("a", 0)).empty());
  EXPECT_TRUE(store->update_applied("nobody", RolloutSpec{}).has_value());
}

TEST_P(StoreContract, MeasurementsAreKeptUntilRetentionDropsThem) {
  auto store = open();
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

INSTANTIATE_TEST_SUITE_P(Engines, StoreContract,
                         ::testing::Values(sqlite_engine(), postgresql_engine()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
