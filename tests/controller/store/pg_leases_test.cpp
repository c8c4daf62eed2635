// ctest: integration
// Leases and fencing on a throwaway PostgreSQL cluster this test process starts: replicas
// racing for one rollout get one owner; a lease not renewed in time is taken over at a higher
// epoch, and the replica that lost it (as a paused or partitioned one would) can write
// nothing more for that rollout, while its other rollouts and the new owner go on.
#include "controller/store/pg_leases.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "controller/store/pg_store.hpp"
#include "store_records.hpp"
#include "support/postgres_cluster.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using namespace store_test;

class PgLeasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = testing::shared_postgres().fresh_database();
    ASSERT_FALSE(uri_.empty()) << testing::shared_postgres().error();
  }
  std::unique_ptr<PgLeases> leases(const std::string& owner) {
    auto r = PgLeases::open(uri_, owner);
    if (auto* e = std::get_if<StoreError>(&r)) ADD_FAILURE() << e->message;
    return std::get<std::unique_ptr<PgLeases>>(std::move(r));
  }
  // A replica's store, fenced by the epochs in `held`.
  std::unique_ptr<PgStore> store(const std::string& owner,
                                 const std::map<std::string, std::int64_t>& held) {
    LeaseFence fence{owner, [&held](const std::string& rollout) {
                       auto it = held.find(rollout);
                       return it == held.end() ? std::nullopt
                                               : std::optional<std::int64_t>(it->second);
                     }};
    auto r = PgStore::open(uri_, owner, fence);
    if (auto* e = std::get_if<StoreError>(&r)) ADD_FAILURE() << e->message;
    return std::get<std::unique_ptr<PgStore>>(std::move(r));
  }

  std::string uri_;
};

TEST_F(PgLeasesTest, ReplicasRacingForOneRolloutGetOneOwner) {
  std::vector<std::unique_ptr<PgLeases>> replicas;
  for (int i = 0; i < 8; ++i) replicas.push_back(leases("replica-" + std::to_string(i)));
  for (int round = 0; round < 20; ++round) {
    const std::string rollout = "new-" + std::to_string(round);
    std::vector<std::optional<std::int64_t>> got(replicas.size());
    std::vector<std::thread> racers;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
      racers.emplace_back([&, i] { got[i] = value(replicas[i]->acquire(rollout, 60s)); });
    }
    for (auto& t : racers) t.join();
    int owners = 0;
    for (const auto& epoch : got) {
      if (epoch) {
        ++owners;
        EXPECT_EQ(*epoch, 1);
      }
    }
    EXPECT_EQ(owners, 1) << rollout;
  }
}

TEST_F(PgLeasesTest, ReplicasRacingForManyRolloutsAtOnceGetOneOwnerForEach) {
  std::vector<std::unique_ptr<PgLeases>> replicas;
  for (int i = 0; i < 4; ++i) replicas.push_back(leases("replica-" + std::to_string(i)));
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("many-" + std::to_string(i));
  names.push_back("a \"quoted\" name, with a comma\\");
  std::vector<std::map<std::string, std::int64_t>> got(replicas.size());
  std::vector<std::thread> racers;
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    // Each asks in its own order; a rollout held by another replica is not in its answer.
    racers.emplace_back([&, i] {
      std::vector<std::string> mine = names;
      std::rotate(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(i * 70), mine.end());
      got[i] = value(replicas[i]->acquire(mine, 60s));
    });
  }
  for (auto& t : racers) t.join();
  std::map<std::string, int> owners;
  for (const auto& held : got)
    for (const auto& [name, epoch] : held) {
      ++owners[name];
      EXPECT_EQ(epoch, 1) << name;
    }
  EXPECT_EQ(owners.size(), names.size());
  for (const auto& [name, count] : owners) EXPECT_EQ(count, 1) << name;
  // What one holds it holds again, at the same epoch; the others get none of it.
  const std::size_t holder = static_cast<std::size_t>(
      std::find_if(got.begin(), got.end(), [](const auto& held) { return !held.empty(); }) -
      got.begin());
  const std::string held = got[holder].begin()->first;
  EXPECT_EQ(value(replicas[holder]->acquire(std::vector<std::string>{held}, 60s)),
            (std::map<std::string, std::int64_t>{{held, 1}}));
  EXPECT_TRUE(
      value(replicas[(holder + 1) % replicas.size()]->acquire(std::vector<std::string>{held}, 60s))
          .empty());
}

TEST_F(PgLeasesTest, AHolderKeepsItsEpochAndOthersWaitForExpiry) {
  auto a = leases("a");
  auto b = leases("b");
  EXPECT_EQ(value(a->acquire("shop", 60s)), 1);
  EXPECT_EQ(value(a->acquire("shop", 60s)), 1) << "acquiring what it holds is renewing";
  EXPECT_EQ(value(b->acquire("shop", 60s)), std::nullopt);
  ASSERT_EQ(a->release("shop"), std::nullopt);
  EXPECT_EQ(value(b->acquire("shop", 60s)), 2);
  EXPECT_TRUE(value(a->renew(60s, {"shop"})).empty());
  auto rows = value(a->all());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].owner, "b");
  EXPECT_EQ(rows[0].epoch, 2);
  EXPECT_GT(rows[0].expires_in, 50s);
}

TEST_F(PgLeasesTest, OnlyTheLeasesNamedAreRenewedAndAReleasedOneNever) {
  auto a = leases("a");
  auto b = leases("b");
  ASSERT_EQ(value(a->acquire("known", 60s)), 1);
  ASSERT_EQ(value(a->acquire("forgotten", 300ms)), 1);  // as if its answer had been lost
  EXPECT_EQ(value(a->renew(60s, {"known"})), (std::map<std::string, std::int64_t>{{"known", 1}}));
  std::optional<std::int64_t> taken;
  for (int i = 0; i < 500 && !taken; ++i) {
    taken = value(b->acquire("forgotten", 60s));
    if (!taken) std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(taken, 2) << "a lease its holder does not know of runs out";

  // A renewal racing a release: many rounds, the released lease is never renewed.
  for (int round = 0; round < 50; ++round) {
    const std::string name = "raced-" + std::to_string(round);
    ASSERT_EQ(value(a->acquire(name, 60s)), 1);
    auto other = leases("a");  // the renewer's own connection
    std::thread renewer([&] { value(other->renew(60s, {name})); });
    ASSERT_EQ(a->release(name), std::nullopt);
    renewer.join();
    EXPECT_EQ(value(b->acquire(name, 60s)), 2) << name << ": released, then taken at once";
  }
}

TEST_F(PgLeasesTest, AReplicaThatMissedItsRenewalCanWriteNothingMoreForThatRollout) {
  auto a_leases = leases("a");
  auto b_leases = leases("b");
  std::map<std::string, std::int64_t> a_held, b_held;
  a_held["shop"] = *value(a_leases->acquire("shop", 300ms));
  a_held["cart"] = *value(a_leases->acquire("cart", 60s));
  auto a = store("a", a_held);
  RolloutRecord shop = record("shop", 1, "2.0.0");
  value(a->begin_revision(shop, "ci", {event(1, EventKind::Note, Phase::Pending, "a")}));
  value(a->begin_revision(record("cart", 1, "2.0.0"), "ci", {}));

  // `a` is paused past its lease of shop (no renewal): `b` takes shop over at epoch 2.
  std::optional<std::int64_t> taken;
  for (int i = 0; i < 500 && !taken; ++i) {
    taken = value(b_leases->acquire("shop", 60s));
    if (!taken) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(taken, 2);
  b_held["shop"] = *taken;
  auto b = store("b", b_held);

  // `a` wakes up believing it still owns shop at epoch 1: every write of it is refused.
  auto stale =
      a->append("shop", 1, {event(2, EventKind::Note, Phase::Pending, "stale")}, shop.state);
  ASSERT_TRUE(std::holds_alternative<StoreError>(stale));
  EXPECT_EQ(std::get<StoreError>(stale).message,
            "append to shop: the lease of shop at epoch 1 is no longer a's: nothing was written");
  EXPECT_TRUE(a->update_applied("shop", shop.spec).has_value());
  ASSERT_EQ(a->add_measurements({{"shop", 1, "x", "m", 1.0, Verdict::Successful, at(2)},
                                 {"cart", 1, "x", "m", 2.0, Verdict::Successful, at(2)}}),
            std::nullopt);
  EXPECT_TRUE(value(a->measurements("shop")).empty()) << "nothing of shop kept from a";
  EXPECT_EQ(value(a->measurements("cart")).size(), 1u) << "a's other rollout goes on";
  const auto renewed = value(a_leases->renew(60s, {"shop", "cart"}));
  EXPECT_EQ(renewed, (std::map<std::string, std::int64_t>{{"cart", 1}})) << "shop is lost";

  // The new owner writes after what `a` wrote while it held the lease, with nothing between.
  value(b->append("shop", 1, {event(3, EventKind::Note, Phase::Pending, "b")}, shop.state));
  auto events = value(b->events("shop", 0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.reason, "a");
  EXPECT_EQ(events[1].event.reason, "b");
  // A rollout nobody leased is written by no replica.
  auto unleased = b->begin_revision(record("nobody", 1, "2.0.0"), "ci", {});
  ASSERT_TRUE(std::holds_alternative<StoreError>(unleased));
  EXPECT_EQ(std::get<StoreError>(unleased).message,
            "revision 1 of nobody: this replica (b) holds no lease of nobody");
}

}  // namespace
}  // namespace rollguard
