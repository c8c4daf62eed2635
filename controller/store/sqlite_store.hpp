#pragma once
// The Store on one SQLite file (`serve --data DIR` keeps it at DIR/rollguard.db).
//
// Durability: WAL journal with synchronous=FULL. WAL lets readers (history, list) run beside
// the writer and makes each commit one append to the log; FULL fsyncs that log on every
// commit, so a transition the API has answered survives power loss, not only a killed
// process (NORMAL would be safe against kill -9 but could lose the last commits on power
// loss, and the contract is that an answered change is durable). Writes are rare — a few per
// step of a rollout — so the fsync per commit costs little.
//
// Thread-safe: one connection behind a mutex; every call is one transaction.
#include <memory>
#include <mutex>

#include "controller/store/sqlite_db.hpp"
#include "controller/store/store.hpp"

namespace rollguard {

class SqliteStore final : public Store {
 public:
  // Opens (creating) `path` and migrates it to the latest schema; the store, or why not.
  static std::variant<std::unique_ptr<SqliteStore>, StoreError> open(const std::string& path);

  StoreResult<Loaded> load() override;
  StoreResult<std::vector<StoredEvent>> begin_revision(const RolloutRecord& record,
                                                       const std::string& actor,
                                                       const Events& events) override;
  StoreStatus update_applied(const std::string& name, const RolloutSpec& applied) override;
  StoreResult<std::vector<StoredEvent>> append(const std::string& name, int revision,
                                               const Events& events, const RolloutState& state,
                                               std::optional<bool> removed = {}) override;
  StoreResult<std::vector<StoredEvent>> events(const std::string& name, std::int64_t after_seq,
                                               std::size_t limit = 100000) override;
  StoreStatus add_measurements(const std::vector<MeasurementRecord>& measurements) override;
  StoreResult<std::vector<MeasurementRecord>> measurements(const std::string& name) override;
  StoreResult<std::int64_t> prune_measurements(TimePoint before) override;

 private:
  explicit SqliteStore(sqlite::Database db) : db_(std::move(db)) {}
  // Inside a transaction: appends `events` after the name's last seq; empty error on success.
  std::string insert_events(const std::string& name, int revision, const Events& events,
                            std::vector<StoredEvent>& stored, TimePoint& latest);

  std::mutex mutex_;
  sqlite::Database db_;
};

}  // namespace rollguard
