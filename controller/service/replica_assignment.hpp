#pragma once
// Which replica owns which rollout (docs/ha.md), as a pure function of what the database
// says: the live replicas, every rollout that needs an owner and its lease. Rendezvous
// hashing: each rollout goes to the live replica with the highest hash of (rollout, replica),
// so when a replica joins or leaves only the rollouts it wins or held move, and every replica
// computes the same answer without talking to the others.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace rollguard {

// The replica `rollout` belongs to among `live` (ids); empty when none is live.
std::string designated_replica(const std::string& rollout, const std::vector<std::string>& live);

struct LeaseView {
  std::string rollout;
  std::string owner;  // empty: no lease row yet
  bool live = false;  // the lease has not expired (database clock)
};

struct ReplicaMoves {
  std::vector<std::string> acquire;    // ours by the hash, and free: take them
  std::vector<std::string> hand_over;  // held by us, another live replica's by the hash
};

// What replica `me` does next. A rollout whose lease is live stays where it is until its
// owner hands it over, so a rollout never has two owners; one whose lease expired, or that
// has none (or is ours from an adoption that did not finish), is taken by its designated
// replica. `held` are the rollouts `me` manages now.
ReplicaMoves plan_replica_moves(const std::string& me, const std::vector<std::string>& live,
                                const std::vector<LeaseView>& leases,
                                const std::vector<std::string>& held);

}  // namespace rollguard
