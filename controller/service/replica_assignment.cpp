#include "controller/service/replica_assignment.hpp"

#include <algorithm>

namespace rollguard {
namespace {

// 64-bit FNV-1a then a SplitMix64 finaliser: stable across processes, builds and machines
// (std::hash is not), and well mixed for ids that differ in a few characters.
std::uint64_t rendezvous_weight(const std::string& rollout, const std::string& replica) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (char c : rollout) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : replica) mix(static_cast<unsigned char>(c));
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

}  // namespace

std::string designated_replica(const std::string& rollout, const std::vector<std::string>& live) {
  std::string best;
  std::uint64_t best_weight = 0;
  for (const std::string& replica : live) {
    const std::uint64_t w = rendezvous_weight(rollout, replica);
    if (best.empty() || w > best_weight || (w == best_weight && replica < best)) {
      best = replica;
      best_weight = w;
    }
  }
  return best;
}

ReplicaMoves plan_replica_moves(const std::string& me, const std::vector<std::string>& live,
                                const std::vector<LeaseView>& leases,
                                const std::vector<std::string>& held) {
  ReplicaMoves moves;
  for (const LeaseView& l : leases) {
    const bool ours = std::find(held.begin(), held.end(), l.rollout) != held.end();
    const std::string designated = designated_replica(l.rollout, live);
    if (ours) {
      if (!designated.empty() && designated != me) moves.hand_over.push_back(l.rollout);
    } else if (designated == me && (!l.live || l.owner.empty() || l.owner == me)) {
      moves.acquire.push_back(l.rollout);
    }
  }
  return moves;
}

}  // namespace rollguard
