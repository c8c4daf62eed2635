// ctest: integration
// PostgreSQL stopped mid-rollout (issue 15), on a throwaway cluster this test starts: the
// service holds traffic where it is — the router is told no weight the log does not hold —
// refuses what needs a write with the database's reason, answers reads from what it last
// recorded, and once the database is back the held transitions are written, then acted on,
// each once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "controller/service/recorded_weights.hpp"
#include "controller/service/service_fixture.hpp"
#include "controller/store/pg_store.hpp"
#include "support/postgres_cluster.hpp"

namespace rollguard {
namespace store_outage {

using namespace std::chrono_literals;
using testing::command_spec;
using testing::contains;
using testing::eventually;
using ::testing::HasSubstr;
using testing::in_phase;
using testing::kHold;
using testing::kTwoSteps;
using testing::lines_of;
using testing::TempDir;

std::unique_ptr<LocalRolloutService> open_on(const std::string& uri) {
  ServiceOptions options;
  options.store = uri;
  options.holder = "store outage test";
  options.threads = 2;
  options.store_retry = 50ms;  // how often a held transition is tried again; not asserted
  auto opened = LocalRolloutService::open(options);
  if (auto* e = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *e;
    return nullptr;
  }
  auto service = std::get<std::unique_ptr<LocalRolloutService>>(std::move(opened));
  EXPECT_EQ(service->adopt(), std::nullopt);
  return service;
}

TEST(StoreOutage, PostgresqlDownHoldsEveryRolloutWhereItIsAndItGoesOnOnceBack) {
  testing::PostgresCluster& pg = testing::shared_postgres();
  const std::string uri = pg.fresh_database();
  ASSERT_FALSE(uri.empty()) << pg.error();
  TempDir dir("store-outage");
  auto service = open_on(uri);
  ASSERT_TRUE(service);
  const std::string shop_weights = dir.file("shop.weights"),
                    timed_weights = dir.file("timed.weights");
  const std::string gate = dir.file("gate"), open_gate = dir.file("open-gate");
  std::ofstream(open_gate).flush();
  ASSERT_EQ(service->apply(command_spec("shop", kHold, shop_weights, open_gate), "ci").error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Paused); }));
  ASSERT_EQ(service->apply(command_spec("timed", kTwoSteps, timed_weights, gate), "ci").error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] {
    const auto w = lines_of(timed_weights);
    return !w.empty() && w.back() == "20";
  }));
  const auto shop_before = lines_of(shop_weights);
  const auto timed_before = lines_of(timed_weights);
  const auto shop_history = service->history("shop");

  ASSERT_TRUE(pg.stop()) << pg.error();
  std::ofstream(gate).flush();  // 20% confirmed: the step to 60% cannot be written

  ASSERT_TRUE(eventually([&] { return !service->get("timed")->storeError.empty(); }));
  EXPECT_EQ(service->get("timed")->state.step, 0u) << "the status is the last state recorded";
  ActionResult promote = service->act("shop", OperatorCommand{Action::Promote, false, "ann"});
  EXPECT_EQ(promote.error, ServiceError::StoreUnavailable);
  EXPECT_THAT(promote.reason, HasSubstr("nothing was changed"));
  EXPECT_EQ(promote.status.state.phase, Phase::Paused);
  ApplyResult cart = service->apply(command_spec("cart", kHold, dir.file("cart"), open_gate), "ci");
  EXPECT_EQ(cart.error, ServiceError::StoreUnavailable);
  EXPECT_FALSE(service->get("cart"));
  EXPECT_EQ(lines_of(timed_weights), timed_before) << "the router was told an unrecorded weight";
  EXPECT_EQ(lines_of(shop_weights), shop_before);

  ASSERT_TRUE(pg.start()) << pg.error();
  ASSERT_TRUE(eventually([&] { return contains(lines_of(timed_weights), "60"); }));
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "timed", Phase::Paused); }));
  EXPECT_EQ(service->get("timed")->storeError, "");
  EXPECT_EQ(service->history("shop"), shop_history);
  EXPECT_EQ(service->act("shop", OperatorCommand{Action::Promote, false, "ann"}).error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] { return contains(lines_of(shop_weights), "50"); }));

  const auto timed_history = service->history("timed");
  EXPECT_TRUE(testing::well_formed(timed_history));
  EXPECT_EQ(std::count_if(timed_history.begin(), timed_history.end(),
                          [](const StoredEvent& e) {
                            return e.event.kind == EventKind::StepStarted && e.event.step == 2;
                          }),
            1);
  service.reset();
  auto store = PgStore::open(uri, "reader");
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<PgStore>>(store));
  auto stored = std::get<std::unique_ptr<PgStore>>(store)->events("timed", 0);
  ASSERT_TRUE(std::holds_alternative<std::vector<StoredEvent>>(stored));
  EXPECT_EQ(std::get<std::vector<StoredEvent>>(stored), timed_history);
}

}  // namespace store_outage
}  // namespace rollguard
