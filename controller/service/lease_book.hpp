#pragma once
// The leases this replica holds, as far as it may trust them without asking the database:
// each until a local deadline of (when the renewal that confirmed it was sent) + TTL - margin.
// The database's expiry is later than that, so a replica that was paused or cut off stops
// acting and writing before any other replica can take the rollout over (docs/ha.md).
// Thread-safe: read by every rollout's strand and the store's fence, written by the replica's
// renewer and loop.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rollguard {

class LeaseBook {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // The epoch of `rollout`'s lease while this replica may act on it; nullopt otherwise.
  std::optional<std::int64_t> epoch_of(const std::string& rollout) const;
  // Why this replica may not act on `rollout` now; empty when it may.
  std::string why_not(const std::string& rollout) const;

  void hold(const std::string& rollout, std::int64_t epoch, Deadline until);
  // The renewal sent at `sent` confirmed `held` (rollout -> epoch): those are trusted until
  // `until`; the rollouts of this book missing from it are lost, returned and forgotten,
  // except those acquired after `sent` (the renewal could not have seen them).
  std::vector<std::string> renewed(const std::map<std::string, std::int64_t>& held, Deadline sent,
                                   Deadline until);
  void forget(const std::string& rollout);
  // Whether `rollout` is in the book at all, trusted now or not.
  bool holds(const std::string& rollout) const;
  std::vector<std::string> rollouts() const;

 private:
  struct Held {
    std::int64_t epoch = 0;
    Deadline until{};
    Deadline since{};  // when it was acquired
  };
  mutable std::mutex mutex_;
  std::map<std::string, Held> held_;
};

}  // namespace rollguard
