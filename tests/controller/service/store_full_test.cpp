// ctest: integration
// A store on a full disk (issue 14): a real tmpfs of 512 KiB as the data directory, filled to
// the last byte while rollouts run. Nothing the store did not take is acted on — the router
// is told no weight the log does not hold — the API calls that need a write are refused with
// the store's reason, nothing already stored is lost, and once there is room again the held
// transitions are written and then acted on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "controller/service/recorded_weights.hpp"
#include "controller/service/service_fixture.hpp"
#include "controller/store/sqlite_store.hpp"
#include "support/tmpfs_mount.hpp"

namespace rollguard {
namespace store_full {

using testing::command_spec;
using testing::contains;
using testing::eventually;
using ::testing::HasSubstr;
using testing::in_phase;
using testing::kHold;
using testing::kTwoSteps;
using testing::lines_of;
using testing::service_spec;
using testing::TempDir;
using testing::TmpfsMount;

std::unique_ptr<LocalRolloutService> open_on(const TmpfsMount& disk) {
  ServiceOptions options;
  options.data_dir = disk.path().string();
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

std::vector<StoredEvent> stored_events(const TmpfsMount& disk, const std::string& name) {
  auto opened = SqliteStore::open((disk.path() / "rollguard.db").string());
  if (auto* e = std::get_if<StoreError>(&opened)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  auto events = std::get<std::unique_ptr<SqliteStore>>(opened)->events(name, 0);
  if (auto* e = std::get_if<StoreError>(&events)) ADD_FAILURE() << e->message;
  return std::get<std::vector<StoredEvent>>(events);
}

TEST(StoreFull, NothingUnrecordedIsActedOnAndHeldTransitionsGoOnOnceThereIsRoom) {
  TempDir dir("store-full");
  TmpfsMount disk(dir.path() / "data", "size=512k");
  if (!disk.ok()) GTEST_SKIP() << "a full disk needs a tmpfs of its own: " << disk.why();
  auto service = open_on(disk);
  ASSERT_TRUE(service);
  const std::string shop_weights = dir.file("shop.weights");
  const std::string gate = dir.file("gate"), open_gate = dir.file("open-gate");
  std::ofstream(open_gate).flush();
  ASSERT_EQ(service->apply(command_spec("shop", kHold, shop_weights, open_gate), "ci").error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Paused); }));
  // `timed` moves on its own: once its 20% is confirmed, its next step sets 60%.
  const std::string timed_weights = dir.file("timed.weights");
  ASSERT_EQ(service->apply(command_spec("timed", kTwoSteps, timed_weights, gate), "ci").error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] {
    const auto w = lines_of(timed_weights);
    return !w.empty() && w.back() == "20";
  }));
  const auto shop_before = lines_of(shop_weights);
  const auto timed_before = lines_of(timed_weights);
  const auto shop_history = service->history("shop");

  ASSERT_GT(disk.fill(), 0u);
  std::ofstream(gate).flush();  // 20% confirmed: the step to 60% cannot be written

  ASSERT_TRUE(eventually([&] { return !service->get("timed")->storeError.empty(); }));
  EXPECT_THAT(service->get("timed")->storeError, HasSubstr("database or disk is full"));
  EXPECT_EQ(service->get("timed")->state.step, 0u) << "the status is the last state recorded";

  ActionResult promote = service->act("shop", OperatorCommand{Action::Promote, false, "ann"});
  EXPECT_EQ(promote.error, ServiceError::StoreUnavailable);
  EXPECT_THAT(promote.reason, HasSubstr("database or disk is full"));
  EXPECT_THAT(promote.reason, HasSubstr("nothing was changed"));
  EXPECT_EQ(promote.status.state.phase, Phase::Paused);
  EXPECT_EQ(promote.status.state.step, 1u);

  ActionResult removed = service->remove("shop", "ann");
  EXPECT_EQ(removed.error, ServiceError::StoreUnavailable);
  EXPECT_TRUE(in_phase(*service, "shop", Phase::Paused)) << "still managed, still paused";

  ApplyResult cart = service->apply(service_spec("cart", "2.0.0", "[{setWeight: 50}]"), "ci");
  EXPECT_EQ(cart.error, ServiceError::StoreUnavailable);
  EXPECT_THAT(cart.reason, HasSubstr("database or disk is full"));
  EXPECT_FALSE(service->get("cart"));

  EXPECT_EQ(lines_of(timed_weights), timed_before) << "the router was told an unrecorded weight";
  EXPECT_EQ(lines_of(shop_weights), shop_before);
  EXPECT_EQ(service->history("shop"), shop_history);

  disk.unfill();
  ASSERT_TRUE(eventually([&] { return contains(lines_of(timed_weights), "60"); }));
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "timed", Phase::Paused); }));
  EXPECT_EQ(service->get("timed")->storeError, "");
  EXPECT_EQ(service->act("shop", OperatorCommand{Action::Promote, false, "ann"}).error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] { return contains(lines_of(shop_weights), "50"); }));

  const auto timed_history = service->history("timed");
  EXPECT_TRUE(testing::well_formed(timed_history));
  // The step to 60% (the second; events count from 1), recorded once, after the outage.
  EXPECT_EQ(std::count_if(timed_history.begin(), timed_history.end(),
                          [](const StoredEvent& e) {
                            return e.event.kind == EventKind::StepStarted && e.event.step == 2;
                          }),
            1);
  service.reset();
  EXPECT_EQ(stored_events(disk, "timed"), timed_history);
}

TEST(StoreFull, AServiceStoppedOnAFullDiskLosesNothingItStored) {
  TempDir dir("store-full");
  TmpfsMount disk(dir.path() / "data", "size=512k");
  if (!disk.ok()) GTEST_SKIP() << "a full disk needs a tmpfs of its own: " << disk.why();
  auto service = open_on(disk);
  ASSERT_TRUE(service);
  const std::string weights = dir.file("shop.weights"), gate = dir.file("gate");
  std::ofstream(gate).flush();
  ASSERT_EQ(service->apply(command_spec("shop", kHold, weights, gate), "ci").error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Paused); }));
  const auto history = service->history("shop");
  ASSERT_GT(disk.fill(), 0u);
  EXPECT_EQ(service->act("shop", OperatorCommand{Action::Promote, false, "ann"}).error,
            ServiceError::StoreUnavailable);
  service.reset();  // a graceful stop with the disk still full

  EXPECT_EQ(stored_events(disk, "shop"), history) << "read back on the full disk";
  disk.unfill();
  auto reopened = open_on(disk);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->history("shop"), history);
  EXPECT_TRUE(in_phase(*reopened, "shop", Phase::Paused));
  EXPECT_EQ(reopened->get("shop")->state.step, 1u);
}

}  // namespace store_full
}  // namespace rollguard
