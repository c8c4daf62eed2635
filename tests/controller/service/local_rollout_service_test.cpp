// ctest: integration
// LocalRolloutService: apply's outcomes, operator actions and their refusals, removal, the
// event log and its listeners, and re-adoption after the service is closed and reopened on
// the same data directory.
#include "controller/service/local_rollout_service.hpp"

#include <gmock/gmock.h>
#include <unistd.h>

#include "controller/service/service_fixture.hpp"

namespace rollguard {
namespace {

using testing::eventually;
using ::testing::HasSubstr;
using testing::in_phase;
using testing::service_spec;
using testing::TempDir;

const std::string kQuick = "[{setWeight: 50}, {pause: {duration: 50ms}}, {setWeight: 100}]";
const std::string kHold = "[{setWeight: 50}, {pause: {}}, {setWeight: 100}]";

TEST(LocalRolloutService, ARolloutRunsToSucceededAndItsLogIsDurable) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  ASSERT_TRUE(service->ready());
  ApplyResult r = service->apply(service_spec("shop", "2.0.0", kQuick), "ci");
  ASSERT_EQ(r.error, ServiceError::None) << r.reason;
  EXPECT_EQ(r.outcome, ApplyOutcome::Created);
  EXPECT_EQ(r.status.revision, 1);
  EXPECT_EQ(r.status.steps, 3u);
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Succeeded); }));
  EXPECT_EQ(service->get("shop")->state.knownGood, "2.0.0");
  const auto events = service->history("shop");
  EXPECT_TRUE(testing::well_formed(events));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event.actor, "ci");
  EXPECT_EQ(events.back().event.phase, Phase::Succeeded);
  EXPECT_EQ(service->history("shop", events.size() - 1).size(), 1u);
  service.reset();
  // Everything the service answered is in the file.
  auto reopened = testing::open_service(dir);
  EXPECT_EQ(reopened->history("shop"), events);
  EXPECT_EQ(reopened->get("shop")->state.phase, Phase::Succeeded);
}

struct ApplyCase {
  std::string name;
  std::function<RolloutSpec(RolloutSpec)> change;
  ApplyOutcome outcome;
  int revision;
};

class ApplyOutcomes : public ::testing::TestWithParam<ApplyCase> {};

TEST_P(ApplyOutcomes, SecondApply) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  const RolloutSpec first = service_spec("shop", "2.0.0", kHold);
  ASSERT_EQ(service->apply(first, "ci").outcome, ApplyOutcome::Created);
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Paused); }));
  ApplyResult r = service->apply(GetParam().change(first), "ci");
  ASSERT_EQ(r.error, ServiceError::None) << r.reason;
  EXPECT_EQ(r.outcome, GetParam().outcome);
  EXPECT_EQ(r.status.revision, GetParam().revision);
  EXPECT_EQ(service->get("shop")->revision, GetParam().revision);
  EXPECT_TRUE(testing::well_formed(service->history("shop")));
}

INSTANTIATE_TEST_SUITE_P(Cases, ApplyOutcomes,
                         ::testing::Values(ApplyCase{"Same", [](RolloutSpec s) { return s; },
                                                     ApplyOutcome::Unchanged, 1},
                                           ApplyCase{"OtherSettings",
                                                     [](RolloutSpec s) {
                                                       s.rollback.progressDeadline = 2min;
                                                       return s;
                                                     },
                                                     ApplyOutcome::Updated, 1},
                                           ApplyCase{"NewCanary",
                                                     [](RolloutSpec s) {
                                                       s.canary = "3.0.0";
                                                       return s;
                                                     },
                                                     ApplyOutcome::NewRevision, 2}),
                         [](const auto& info) { return info.param.name; });

TEST(LocalRolloutService, ANewRevisionStartsFromTheKnownGoodVersion) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  service->apply(service_spec("shop", "2.0.0", kQuick), "ci");
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Succeeded); }));
  // The manifest still names 1.0.0 as stable; the store knows 2.0.0 serves.
  ApplyResult r = service->apply(service_spec("shop", "3.0.0", kHold), "ci");
  ASSERT_EQ(r.outcome, ApplyOutcome::NewRevision);
  EXPECT_EQ(r.status.state.stableVersion, "2.0.0");
  EXPECT_EQ(r.status.state.canaryVersion, "3.0.0");
  EXPECT_TRUE(testing::well_formed(service->history("shop")));
}

TEST(LocalRolloutService, WithoutAKnownGoodVersionApplyIsRefused) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  ApplyResult r = service->apply(service_spec("shop", "2.0.0", kQuick, false), "ci");
  EXPECT_EQ(r.error, ServiceError::Conflict);
  EXPECT_THAT(r.reason, HasSubstr("spec.stable.version"));
  EXPECT_FALSE(service->get("shop"));
}

struct ActCase {
  std::string name;
  std::vector<Action> before;  // accepted actions first
  Action action;
  ServiceError error;
  Phase phase;  // reached after the action
};

class Actions : public ::testing::TestWithParam<ActCase> {};

TEST_P(Actions, OnAPausedRollout) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  service->apply(service_spec("shop", "2.0.0", kHold), "ci");
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Paused); }));
  for (Action a : GetParam().before) {
    ASSERT_EQ(service->act("shop", OperatorCommand{a, false, "ann"}).error, ServiceError::None);
  }
  ActionResult r = service->act("shop", OperatorCommand{GetParam().action, false, "ann"});
  EXPECT_EQ(r.error, GetParam().error) << r.reason;
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", GetParam().phase); }))
      << to_string(service->get("shop")->state.phase);
  const auto events = service->history("shop");
  EXPECT_TRUE(testing::well_formed(events));
  if (GetParam().error == ServiceError::None) {
    EXPECT_TRUE(std::any_of(events.begin(), events.end(),
                            [](const StoredEvent& e) { return e.event.actor == "ann"; }));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Actions,
    ::testing::Values(
        ActCase{"PromoteGoesOn", {}, Action::Promote, ServiceError::None, Phase::Succeeded},
        ActCase{"AbortRollsBack", {}, Action::Abort, ServiceError::None, Phase::RolledBack},
        ActCase{"PromoteAfterRollbackConflicts",
                {Action::Abort},
                Action::Promote,
                ServiceError::Conflict,
                Phase::RolledBack}),
    [](const auto& info) { return info.param.name; });

TEST(LocalRolloutService, UnknownNamesAreNotFound) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  EXPECT_EQ(service->act("ghost", OperatorCommand{}).error, ServiceError::NotFound);
  EXPECT_EQ(service->remove("ghost", "ann").error, ServiceError::NotFound);
  EXPECT_TRUE(service->history("ghost").empty());
  EXPECT_FALSE(service->get("ghost"));
}

TEST(LocalRolloutService, RemovedRolloutsLeaveTheirHistoryAndNumberingGoesOn) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  service->apply(service_spec("shop", "2.0.0", kHold), "ci");
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Paused); }));
  ActionResult removed = service->remove("shop", "ann");
  ASSERT_EQ(removed.error, ServiceError::None) << removed.reason;
  EXPECT_FALSE(service->get("shop"));
  EXPECT_TRUE(service->list().empty());
  EXPECT_EQ(service->act("shop", OperatorCommand{}).error, ServiceError::NotFound);
  auto events = service->history("shop");
  ASSERT_FALSE(events.empty());
  EXPECT_THAT(events.back().event.reason, HasSubstr("removed"));
  EXPECT_EQ(events.back().event.actor, "ann");
  ApplyResult again;
  ASSERT_TRUE(eventually([&] {
    again = service->apply(service_spec("shop", "2.0.0", kHold), "ci");
    return again.error == ServiceError::None;
  })) << again.reason;
  EXPECT_EQ(again.outcome, ApplyOutcome::Created);
  EXPECT_EQ(again.status.revision, 2);
  EXPECT_TRUE(testing::well_formed(service->history("shop")));
}

TEST(LocalRolloutService, ListenersSeeEveryStoredEventInOrder) {
  TempDir dir("service");
  auto service = testing::open_service(dir);
  std::mutex mutex;
  std::vector<std::int64_t> seen;
  const auto id = service->subscribe([&](const StoredEvent& e, const RolloutStatus& s) {
    EXPECT_EQ(s.name, "shop");
    std::lock_guard lock(mutex);
    seen.push_back(e.seq);
  });
  service->apply(service_spec("shop", "2.0.0", kQuick), "ci");
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "shop", Phase::Succeeded); }));
  service->unsubscribe(id);
  std::vector<std::int64_t> expected;
  for (const StoredEvent& e : service->history("shop")) expected.push_back(e.seq);
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen, expected);
}

// Closed and reopened on the same directory: each rollout carries on from where it was,
// nothing recorded is recorded again, terminal ones stay as they ended.
TEST(LocalRolloutService, ReopenedRolloutsCarryOnWithoutRepeatingEvents) {
  TempDir dir("service");
  std::vector<StoredEvent> held, done;
  {
    auto service = testing::open_service(dir);
    service->apply(service_spec("held", "2.0.0", kHold), "ci");
    service->apply(service_spec("done", "2.0.0", kQuick), "ci");
    ASSERT_TRUE(eventually([&] {
      return in_phase(*service, "held", Phase::Paused) &&
             in_phase(*service, "done", Phase::Succeeded);
    }));
    held = service->history("held");
    done = service->history("done");
    service->shutdown();
  }
  auto service = testing::open_service(dir);
  ASSERT_TRUE(service->ready());
  EXPECT_TRUE(service->problems().empty());
  ASSERT_EQ(service->list().size(), 2u);
  EXPECT_EQ(service->get("held")->state.phase, Phase::Paused);
  EXPECT_EQ(service->get("held")->state.step, 1u);
  EXPECT_EQ(service->history("held"), held);
  EXPECT_EQ(service->history("done"), done);
  ASSERT_EQ(service->act("held", OperatorCommand{Action::Promote, false, "ann"}).error,
            ServiceError::None);
  ASSERT_TRUE(eventually([&] { return in_phase(*service, "held", Phase::Succeeded); }));
  const auto after = service->history("held");
  EXPECT_TRUE(testing::well_formed(after));
  EXPECT_TRUE(std::equal(held.begin(), held.end(), after.begin()));
  EXPECT_EQ(service->history("done"), done);
}

}  // namespace
}  // namespace rollguard

namespace rollguard {
namespace {

// Issue 21: a second service on the same data directory adopted the same rollouts.
TEST(LocalRolloutService, ASecondServiceOnTheSameDataIsRefusedUntilTheFirstIsGone) {
  testing::TempDir dir("service-lock");
  ServiceOptions options;
  options.data_dir = dir.path().string();
  auto first = LocalRolloutService::open(options);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<LocalRolloutService>>(first));
  auto second = LocalRolloutService::open(options);
  ASSERT_TRUE(std::holds_alternative<std::string>(second));
  EXPECT_EQ(std::get<std::string>(second),
            options.data_dir + " is in use by another rollguard (pid " +
                std::to_string(::getpid()) + "); one server per data directory");
  first = std::string("closed");
  EXPECT_TRUE(std::holds_alternative<std::unique_ptr<LocalRolloutService>>(
      LocalRolloutService::open(options)));
}

}  // namespace
}  // namespace rollguard
