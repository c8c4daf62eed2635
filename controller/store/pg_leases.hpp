#pragma once
// Per-rollout leases for replicas sharing one PostgreSQL database (docs/ha.md). A lease row
// names its owner, an epoch and an expiry on the database's clock. Acquiring a rollout whose
// lease has expired (or never existed) makes the caller its owner at the next epoch; the
// owner renews all its leases in one statement; a lease not renewed in time is lost, and the
// next owner's epoch is higher. Writes that follow an action are fenced by the epoch
// (PgStore's fence), so a replica that lost its lease — paused, partitioned — can neither act
// on nor write for that rollout again.
//
// Thread-safe; its own connection, so renewals never queue behind the store's writes.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "controller/store/pg_connection.hpp"
#include "controller/store/store.hpp"

namespace rollguard {

struct LeaseRow {
  std::string rollout;
  std::string owner;
  std::int64_t epoch = 0;
  std::chrono::milliseconds expires_in{0};  // negative once expired
  bool operator==(const LeaseRow&) const = default;
};

struct ReplicaRow {
  std::string id;
  std::string api;  // where its API listens ("host:port")
  std::chrono::milliseconds heartbeat_age{0};
  bool operator==(const ReplicaRow&) const = default;
};

// A rollout that needs an owner (not removed and settled) and its lease, if any.
struct RolloutLease {
  std::string rollout;
  std::string owner;  // empty: never leased
  std::int64_t epoch = 0;
  std::chrono::milliseconds expires_in{0};
  bool live() const { return !owner.empty() && expires_in.count() > 0; }
};

class PgLeases {
 public:
  // `owner`: this replica's id, unique per process start.
  static std::variant<std::unique_ptr<PgLeases>, StoreError> open(const std::string& uri,
                                                                  std::string owner);

  // The epoch of `rollout`'s lease if this replica holds it now (newly, or already), for
  // `ttl` from now; nullopt while another replica's lease is live.
  StoreResult<std::optional<std::int64_t>> acquire(const std::string& rollout,
                                                   std::chrono::milliseconds ttl);
  // acquire() of many in one statement: the epochs of those this replica holds now.
  StoreResult<std::map<std::string, std::int64_t>> acquire(const std::vector<std::string>& rollouts,
                                                           std::chrono::milliseconds ttl);
  // Extends this replica's live leases of `rollouts` by `ttl`; the ones it still holds, by
  // epoch. A lease missing from the answer is lost: its rollout must not be acted on again.
  // Only the named ones: a lease the replica does not know it has (its acquire's answer lost
  // with the connection) runs out instead of being renewed with nobody running it.
  StoreResult<std::map<std::string, std::int64_t>> renew(std::chrono::milliseconds ttl,
                                                         const std::vector<std::string>& rollouts);
  // Gives `rollout` up at once (a graceful stop, a hand-over); the next owner bumps the epoch.
  // The row names no owner afterwards, so a renewal that waited for the row does not renew
  // it (its now() is its transaction's start, before the release's).
  StoreStatus release(const std::string& rollout);
  // The lease row of `rollout`; nullopt when it was never leased.
  StoreResult<std::optional<LeaseRow>> lease_of(const std::string& rollout);
  // Every lease row, live or not, by rollout.
  StoreResult<std::vector<LeaseRow>> all();

  // This replica is alive and its API is at `api`: its heartbeat, on the database's clock.
  StoreStatus beat(const std::string& api);
  // Replicas whose last heartbeat is at most `within` old, by id. Older rows are deleted
  // once they are ten times as old: a replica that is gone for good leaves the list.
  StoreResult<std::vector<ReplicaRow>> replicas(std::chrono::milliseconds within);
  // Every rollout that needs an owner, with its lease.
  StoreResult<std::vector<RolloutLease>> rollout_leases();
  // This replica leaves: its heartbeat row goes (its leases are released one by one).
  StoreStatus leave();

  const std::string& owner() const { return owner_; }

 private:
  PgLeases(pg::Connection db, std::string owner) : db_(std::move(db)), owner_(std::move(owner)) {}
  std::string ready();

  std::mutex mutex_;
  pg::Connection db_;
  std::string owner_;
};

}  // namespace rollguard
