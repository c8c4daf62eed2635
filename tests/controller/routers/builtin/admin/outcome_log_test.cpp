// The standalone router's outcome log: numbering, the ring forgetting the oldest, the per-role
// totals, and the wire form a controller replays.
#include "controller/routers/builtin/admin/outcome_log.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

RequestOutcome outcome(Role role, int status, int at_ms = 0) {
  RequestOutcome o;
  o.role = role;
  o.status = status;
  o.at = TimePoint(Duration(1'765'000'000'000 + at_ms));
  o.latency = Duration(at_ms % 50);
  o.connection_error = status == 0;
  return o;
}

TEST(OutcomeLog, HandsOutWhatCameAfterANumberInOrder) {
  OutcomeLog log(8);
  for (int i = 0; i < 5; ++i) log.record(outcome(i % 2 ? Role::Canary : Role::Stable, 200, i));
  const OutcomeSlice all = log.after(0, 100);
  EXPECT_EQ(all.last, 5u);
  EXPECT_EQ(all.recorded, 5u);
  EXPECT_EQ(all.skipped, 0u);
  ASSERT_EQ(all.outcomes.size(), 5u);
  EXPECT_EQ(all.outcomes[1].role, Role::Canary);
  const OutcomeSlice tail = log.after(3, 100);
  ASSERT_EQ(tail.outcomes.size(), 2u);
  EXPECT_EQ(tail.outcomes[0].at, outcome(Role::Canary, 200, 3).at);
  const OutcomeSlice limited = log.after(0, 2);
  EXPECT_EQ(limited.last, 2u);
  EXPECT_EQ(limited.outcomes.size(), 2u);
  EXPECT_EQ(log.after(5, 100).outcomes.size(), 0u);
  EXPECT_EQ(log.after(99, 100).last, 5u);  // a number from the future: nothing, no gap
}

TEST(OutcomeLog, TheRingForgetsTheOldestAndSaysHowMany) {
  OutcomeLog log(4);
  for (int i = 0; i < 10; ++i) log.record(outcome(Role::Stable, 200, i));
  const OutcomeSlice s = log.after(2, 100);
  EXPECT_EQ(s.skipped, 4u);  // 3..6 are gone; 7..10 are held
  ASSERT_EQ(s.outcomes.size(), 4u);
  EXPECT_EQ(s.outcomes.front().at, outcome(Role::Stable, 200, 6).at);
  EXPECT_EQ(s.last, 10u);
}

TEST(OutcomeLog, CountsRequestsFailuresAndConnectionErrorsPerRole) {
  OutcomeLog log(2);
  log.record(outcome(Role::Canary, 200));
  log.record(outcome(Role::Canary, 503));
  log.record(outcome(Role::Canary, 0));
  log.record(outcome(Role::Baseline, 200));
  const OutcomeSlice s = log.after(0, 0);
  EXPECT_EQ(s.totals[static_cast<int>(Role::Canary)], (RoleTotals{3, 2, 1}));
  EXPECT_EQ(s.totals[static_cast<int>(Role::Baseline)], (RoleTotals{1, 0, 0}));
  EXPECT_EQ(s.totals[static_cast<int>(Role::Stable)], (RoleTotals{0, 0, 0}));
}

TEST(OutcomeWire, ASliceRoundTrips) {
  OutcomeLog log;
  log.record(outcome(Role::Canary, 200, 12));
  log.record(outcome(Role::Stable, 0, 30));
  OutcomeSlice s = log.after(0, 100);
  s.now = TimePoint(Duration(1'765'000'000'500));
  const auto back = outcome_slice_from_json(nlohmann::json::parse(outcome_slice_json(s).dump()));
  ASSERT_TRUE(std::holds_alternative<OutcomeSlice>(back));
  const OutcomeSlice& b = std::get<OutcomeSlice>(back);
  EXPECT_EQ(b.now, s.now);
  EXPECT_EQ(b.last, 2u);
  EXPECT_EQ(b.totals, s.totals);
  ASSERT_EQ(b.outcomes.size(), 2u);
  EXPECT_EQ(b.outcomes[0].role, Role::Canary);
  EXPECT_EQ(b.outcomes[0].latency, Duration(12));
  EXPECT_EQ(b.outcomes[1].status, 0);
  EXPECT_TRUE(b.outcomes[1].connection_error);
}

TEST(OutcomeWire, RefusesWhatIsNotASlice) {
  for (const char* text : {R"({})", R"({"now": 1, "last": 0, "skipped": 0, "recorded": 0,
        "totals": {}, "outcomes": []})",
                           R"([1])"}) {
    const auto r = outcome_slice_from_json(nlohmann::json::parse(text));
    EXPECT_TRUE(std::holds_alternative<std::string>(r)) << text;
  }
}

}  // namespace
}  // namespace rollguard
