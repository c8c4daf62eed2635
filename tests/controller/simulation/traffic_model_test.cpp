// The traffic model: counts per role follow the rate and the split, faults switch on from the
// version's start of serving, a crash turns every request into a connection error, and the
// requests served while the change is worse than stable (faulty) are counted.
#include "controller/simulation/traffic_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace rollguard::sim {
namespace {

ScenarioSpec scenario(double rps, VersionBehaviour canary) {
  ScenarioSpec s;
  s.rollout.stable = "1.0.0";
  s.rollout.canary = "2.0.0";
  s.traffic = {{0s, rps}};
  s.stable.errorRate = 0.01;
  s.canary = std::move(canary);
  return s;
}

struct Totals {
  std::int64_t requests = 0, failures = 0, connection_errors = 0;
};

Totals totals(const TrafficModel& m, Role role, TimePoint from, TimePoint to) {
  Totals t;
  for (auto i = m.bucket_index(from); i < m.bucket_index(to); ++i)
    if (const TrafficBucket* b = m.find(role, i)) {
      t.requests += b->requests;
      t.failures += b->failures;
      t.connection_errors += b->connection_errors;
    }
  return t;
}

constexpr std::array<bool, 3> kAll{true, true, true};

TEST(TrafficModelTest, SplitsTheRateAcrossRolesWithEachVersionsErrorRate) {
  VersionBehaviour canary;
  canary.errorRate = 0.2;
  const ScenarioSpec s = scenario(400, canary);
  TrafficModel m(s, TimePoint{}, 1s, 15min, 3, kAll);
  m.set_split({80, 10, 10}, TimePoint{});
  m.advance_to(TimePoint{} + 10min);
  const double seconds = 600;
  const struct {
    Role role;
    double share, error_rate;
  } cases[] = {{Role::Stable, 0.8, 0.01}, {Role::Canary, 0.1, 0.2}, {Role::Baseline, 0.1, 0.01}};
  for (const auto& c : cases) {
    const Totals t = totals(m, c.role, TimePoint{}, TimePoint{} + 10min);
    const double expected = 400 * c.share * seconds;
    EXPECT_NEAR(double(t.requests), expected, 5 * std::sqrt(expected)) << to_string(c.role);
    const double failures = expected * c.error_rate;
    EXPECT_NEAR(double(t.failures), failures, 5 * std::sqrt(failures) + 1) << to_string(c.role);
    EXPECT_EQ(t.connection_errors, 0);
  }
  // No `faults:`, but the canary's own profile fails more than stable's: it is faulty from its
  // first request, and every request it served counts.
  const Totals canary_totals = totals(m, Role::Canary, TimePoint{}, TimePoint{} + 10min);
  EXPECT_EQ(m.worse_since(), TimePoint{});
  EXPECT_EQ(m.worse_because(), "error rate 0.2 vs stable's 0.01");
  EXPECT_EQ(m.faulty_requests(), canary_totals.requests);
  EXPECT_EQ(m.faulty_failures(), canary_totals.failures);
  EXPECT_NEAR(m.stable_failures_expected(), 0.01 * double(canary_totals.requests), 1e-6);
}

TEST(TrafficModelTest, AVersionLikeStableIsNeverFaulty) {
  VersionBehaviour canary;
  canary.errorRate = 0.01;  // stable's
  canary.faults = {Fault{0s, std::nullopt, 1.0, false}, Fault{1min, 0.005, std::nullopt, false}};
  const ScenarioSpec s = scenario(400, canary);
  TrafficModel m(s, TimePoint{}, 1s, 15min, 3, kAll);
  m.set_split({80, 20, 0}, TimePoint{});
  m.advance_to(TimePoint{} + 5min);
  EXPECT_FALSE(m.worse_since());  // the faults change nothing, or make it better
  EXPECT_EQ(m.faulty_requests(), 0);
  EXPECT_GT(m.served(kCanaryVersion), 0);
}

TEST(TrafficModelTest, FaultsStartWhenTheVersionStartsServing) {
  VersionBehaviour canary;
  canary.faults = {Fault{2min, 0.5, std::nullopt, false}};
  const ScenarioSpec s = scenario(100, canary);
  TrafficModel m(s, TimePoint{}, 1s, 15min, 4, kAll);
  m.advance_to(TimePoint{} + 10min);  // all on stable for 10 minutes
  m.set_split({50, 50, 0}, TimePoint{} + 10min);
  EXPECT_EQ(m.serving_since(kCanaryVersion), TimePoint{} + 10min);
  m.advance_to(TimePoint{} + 20min);
  const Totals before = totals(m, Role::Canary, TimePoint{} + 10min, TimePoint{} + 12min);
  const Totals after = totals(m, Role::Canary, TimePoint{} + 12min, TimePoint{} + 20min);
  EXPECT_EQ(before.failures, 0);
  EXPECT_NEAR(double(after.failures) / double(after.requests), 0.5, 0.03);
  EXPECT_EQ(m.worse_since(), TimePoint{} + 12min);
  EXPECT_EQ(m.faulty_requests(), after.requests);
  EXPECT_EQ(m.faulty_failures(), after.failures);
}

// The targets report a crash at its very moment and the rollback's route change can follow at
// the same virtual instant: the version was still worse while it served, for no request.
TEST(TrafficModelTest, ACrashTakenOutAtOnceIsStillFaultyAtThatMoment) {
  VersionBehaviour canary;
  canary.faults = {Fault{1min, std::nullopt, std::nullopt, true}};
  const ScenarioSpec s = scenario(100, canary);
  TrafficModel m(s, TimePoint{}, 1s, 15min, 9, kAll);
  m.set_split({90, 10, 0}, TimePoint{});
  m.set_split({100, 0, 0}, TimePoint{} + 1min);
  m.advance_to(TimePoint{} + 2min);
  EXPECT_EQ(m.worse_since(), TimePoint{} + 1min);
  EXPECT_EQ(m.worse_because(), "crashed");
  EXPECT_EQ(m.faulty_requests(), 0);
}

TEST(TrafficModelTest, ACrashedVersionAnswersNothing) {
  VersionBehaviour canary;
  canary.faults = {Fault{30s, std::nullopt, std::nullopt, true}};
  const ScenarioSpec s = scenario(100, canary);
  TrafficModel m(s, TimePoint{}, 1s, 15min, 5, kAll);
  m.set_split({90, 10, 0}, TimePoint{});
  m.advance_to(TimePoint{} + 2min);
  EXPECT_TRUE(m.state(kCanaryVersion, TimePoint{} + 31s).crashed);
  const Totals after = totals(m, Role::Canary, TimePoint{} + 30s, TimePoint{} + 2min);
  EXPECT_GT(after.requests, 0);
  EXPECT_EQ(after.failures, after.requests);
  EXPECT_EQ(after.connection_errors, after.requests);
  std::int64_t responded = 0;
  for (auto i = m.bucket_index(TimePoint{} + 30s); i < m.bucket_index(TimePoint{} + 2min); ++i)
    if (const TrafficBucket* b = m.find(Role::Canary, i)) responded += b->responded[0].count;
  EXPECT_EQ(responded, 0);
}

TEST(TrafficModelTest, RateChangesApplyAtTheirTime) {
  ScenarioSpec s = scenario(100, {});
  s.traffic = {{0s, 100}, {1min, 1000}};
  TrafficModel m(s, TimePoint{}, 1s, 15min, 6, kAll);
  m.advance_to(TimePoint{} + 2min);
  const Totals first = totals(m, Role::Stable, TimePoint{}, TimePoint{} + 1min);
  const Totals second = totals(m, Role::Stable, TimePoint{} + 1min, TimePoint{} + 2min);
  EXPECT_NEAR(double(first.requests), 6000, 5 * std::sqrt(6000.0));
  EXPECT_NEAR(double(second.requests), 60000, 5 * std::sqrt(60000.0));
}

TEST(TrafficModelTest, UnobservedRolesAreNotDrawnUnlessTheyRunTheChange) {
  const ScenarioSpec s = scenario(100, {});
  TrafficModel m(s, TimePoint{}, 1s, 15min, 7, {false, true, false});
  m.set_split({90, 10, 0}, TimePoint{});
  m.advance_to(TimePoint{} + 1min);
  EXPECT_EQ(totals(m, Role::Stable, TimePoint{}, TimePoint{} + 1min).requests, 0);
  m.set_version(Role::Stable, kCanaryVersion, TimePoint{} + 1min);  // promoted
  m.advance_to(TimePoint{} + 2min);
  EXPECT_GT(totals(m, Role::Stable, TimePoint{} + 1min, TimePoint{} + 2min).requests, 4000);
}

// Like the router's window: only the last `horizon` is kept (a ring of buckets), so memory
// does not grow with the length of the run.
TEST(TrafficModelTest, BucketsPastTheHorizonAreForgotten) {
  const ScenarioSpec s = scenario(100, {});
  TrafficModel m(s, TimePoint{}, 1s, 1min, 8, kAll);
  m.set_split({100, 0, 0}, TimePoint{});
  m.advance_to(TimePoint{} + 10min);
  EXPECT_EQ(m.find(Role::Stable, m.bucket_index(TimePoint{} + 5min)), nullptr);
  EXPECT_EQ(m.find(Role::Stable, m.bucket_index(TimePoint{} + 10min)), nullptr);  // not drawn yet
  const Totals last = totals(m, Role::Stable, TimePoint{} + 9min, TimePoint{} + 10min);
  EXPECT_NEAR(double(last.requests), 6000, 5 * std::sqrt(6000.0));
}

}  // namespace
}  // namespace rollguard::sim
