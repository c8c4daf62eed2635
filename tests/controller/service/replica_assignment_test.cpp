// ctest: unit
// Which replica runs which rollout: rendezvous hashing spreads rollouts evenly, moves only the
// rollouts of a replica that leaves (or that one that joins wins), and the plan never takes a
// rollout whose lease is live elsewhere.
#include "controller/service/replica_assignment.hpp"

#include <gtest/gtest.h>

#include <map>

namespace rollguard {
namespace {

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("rollout-" + std::to_string(i));
  return out;
}

TEST(ReplicaAssignment, SpreadsEvenlyAndTheSameOnEveryReplica) {
  const std::vector<std::string> live{"a-1-0f", "b-2-1e", "c-3-2d"};
  std::map<std::string, int> count;
  for (const std::string& n : names(3000)) ++count[designated_replica(n, live)];
  ASSERT_EQ(count.size(), 3u);
  for (const auto& [replica, n] : count) {
    EXPECT_GT(n, 850) << replica;
    EXPECT_LT(n, 1150) << replica;
  }
  // The order replicas are listed in changes nothing.
  const std::vector<std::string> shuffled{"c-3-2d", "a-1-0f", "b-2-1e"};
  for (const std::string& n : names(100))
    EXPECT_EQ(designated_replica(n, live), designated_replica(n, shuffled)) << n;
  EXPECT_EQ(designated_replica("x", {}), "");
}

TEST(ReplicaAssignment, OnlyTheRolloutsOfAReplicaThatLeavesMove) {
  const std::vector<std::string> three{"a", "b", "c"}, two{"a", "c"};
  for (const std::string& n : names(1000)) {
    const std::string before = designated_replica(n, three);
    if (before != "b") {
      EXPECT_EQ(designated_replica(n, two), before) << n;
    }
  }
}

struct PlanCase {
  const char* name;
  std::vector<LeaseView> leases;
  std::vector<std::string> held;
  std::vector<std::string> acquire, hand_over;
};

TEST(ReplicaAssignment, PlanTakesFreeLeasesAndHandsOverWhatAnotherWins) {
  // With live replicas {me, other}: which of these rollouts the hash gives to whom.
  const std::vector<std::string> live{"me", "other"};
  std::string mine, theirs;
  for (const std::string& n : names(50)) {
    if (mine.empty() && designated_replica(n, live) == "me") mine = n;
    if (theirs.empty() && designated_replica(n, live) == "other") theirs = n;
  }
  ASSERT_FALSE(mine.empty());
  ASSERT_FALSE(theirs.empty());
  const PlanCase cases[] = {
      {"never leased, ours", {{mine, "", false}}, {}, {mine}, {}},
      {"expired lease of a dead replica, ours", {{mine, "dead", false}}, {}, {mine}, {}},
      {"live lease of another replica stays there", {{mine, "dead", true}}, {}, {}, {}},
      {"ours by lease, not yet adopted", {{mine, "me", true}}, {}, {mine}, {}},
      {"another's by hash is left to it", {{theirs, "", false}}, {}, {}, {}},
      {"held here, another's by hash: handed over", {{theirs, "me", true}}, {theirs}, {}, {theirs}},
      {"held here and ours: nothing to do", {{mine, "me", true}}, {mine}, {}, {}},
  };
  for (const PlanCase& c : cases) {
    const ReplicaMoves moves = plan_replica_moves("me", live, c.leases, c.held);
    EXPECT_EQ(moves.acquire, c.acquire) << c.name;
    EXPECT_EQ(moves.hand_over, c.hand_over) << c.name;
  }
}

}  // namespace
}  // namespace rollguard
