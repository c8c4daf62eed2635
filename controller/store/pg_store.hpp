#pragma once
// The Store on a PostgreSQL database (`serve --store postgresql://USER@HOST:PORT/DB`).
//
// Durability is the server's (synchronous_commit as configured there: on by default, so an
// answered commit is on the server's disk). Until replicas share a database through leases,
// one rollguard uses a database at a time: the store holds a session advisory lock, and a
// second server is refused with the first one's address in the message. The lock goes with
// the connection, so after a reconnect the store takes it again before it writes anything,
// and fails the write if another server holds it meanwhile.
//
// Thread-safe: one connection behind a mutex; every call is one transaction. A connection the
// server dropped (a restart, a network cut) is re-established by the next call; calls made
// while the database is down fail with its error.
#include <functional>
#include <memory>
#include <mutex>

#include "controller/store/pg_connection.hpp"
#include "controller/store/store.hpp"

namespace rollguard {

// How a replica's writes are fenced (pg_leases.hpp): each write for a rollout commits only
// while the lease row still names `owner` at the epoch `epoch_of` gives for it, and the row
// is share-locked until the commit, so a takeover comes wholly before the write (which then
// fails) or after it.
struct LeaseFence {
  std::string owner;
  std::function<std::optional<std::int64_t>(const std::string& rollout)> epoch_of;
};

class PgStore final : public Store {
 public:
  // Connects to `uri`, migrates the schema and takes the database; the store, or why not.
  // `holder` names this server in the refusal another one gets (e.g. "pid 42 on host").
  // With a `fence`, replicas share the database: no database lock, every write fenced.
  static std::variant<std::unique_ptr<PgStore>, StoreError> open(
      const std::string& uri, const std::string& holder, std::optional<LeaseFence> fence = {});

  StoreResult<Loaded> load() override;
  // One rollout's row, for a replica that takes it over; nullopt when the name is unknown.
  StoreResult<std::optional<RolloutRecord>> load_rollout(const std::string& name) override;
  StoreResult<Loaded> load_rollouts(const std::vector<std::string>& names) override;
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
  PgStore(pg::Connection db, std::string holder, std::optional<LeaseFence> fence)
      : db_(std::move(db)), holder_(std::move(holder)), fence_(std::move(fence)) {}
  // Inside a transaction: empty while this replica may write for `rollout`, else why not.
  std::string fenced(const std::string& rollout);
  // The connection, usable and holding the database; empty, or why not.
  std::string ready();
  std::string take_database();
  StoreResult<Loaded> load_where(const std::string& where, const std::vector<pg::Param>& params);
  // Inside a transaction: appends `events` after the name's last seq; empty on success.
  std::string insert_events(const std::string& name, int revision, const Events& events,
                            std::vector<StoredEvent>& stored, TimePoint& latest);

  std::mutex mutex_;
  pg::Connection db_;
  std::string holder_;
  std::optional<LeaseFence> fence_;
};

}  // namespace rollguard
