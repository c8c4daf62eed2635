#include "health/providers/builtin/builtin_provider.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include <cmath>
#include <optional>

namespace rollguard {
namespace {

const TimePoint kT0 = TimePoint{} + 500h;

struct BuiltinCase {
  const char* name;
  BuiltinQuery query;
  Role role;
  double value;  // NaN: expect NaN
  std::int64_t samples;
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const BuiltinCase& c, std::ostream* os) {
  *os << c.name;
}

// Canary, over [kT0, kT0 + 10 s): 200 requests, 1..100 ms twice over, then 20 refused and
// 30 answered 503 in 30 ms. Stable sees nothing. The last minute ends at kT0 + 10 s.
class BuiltinReadings : public ::testing::TestWithParam<BuiltinCase> {
 protected:
  void SetUp() override {
    for (int i = 0; i < 200; ++i)
      outcomes_.record({Role::Canary, kT0 + 40ms * i, 200, Duration{i % 100 + 1}, false});
    for (int i = 0; i < 20; ++i) outcomes_.record({Role::Canary, kT0 + 9s, 0, 2ms, true});
    for (int i = 0; i < 30; ++i) outcomes_.record({Role::Canary, kT0 + 9s, 503, 30ms, false});
    // Older than the one-minute window: must not count.
    outcomes_.record({Role::Canary, kT0 - 2min, 500, 1ms, false});
  }
  OutcomeWindow outcomes_;
  VirtualClock clock_{kT0 + 10s};
};

TEST_P(BuiltinReadings, ValueAndSamples) {
  const BuiltinCase& c = GetParam();
  BuiltinProvider provider(outcomes_, BuiltinMetric{c.query}, clock_);
  std::optional<MetricReading> got;
  provider.read(MetricQuery{"demo", "v2", c.role, 1min}, [&](MetricReading r) { got = r; });
  ASSERT_TRUE(got.has_value()) << "read() answers at once";
  EXPECT_TRUE(got->ok()) << got->error;
  EXPECT_FALSE(got->is_list);
  ASSERT_EQ(got->value.size(), 1u);
  if (std::isnan(c.value))
    EXPECT_TRUE(std::isnan(got->value[0])) << got->value[0];
  else
    EXPECT_DOUBLE_EQ(got->value[0], c.value);
  EXPECT_EQ(got->samples, c.samples);
}

// The window is one minute whose first 50 s are empty: 250 requests / 60 s.
INSTANTIATE_TEST_SUITE_P(
    Queries, BuiltinReadings,
    ::testing::Values(
        BuiltinCase{"error_rate", BuiltinQuery::ErrorRate, Role::Canary, 0.2, 250},
        BuiltinCase{"request_rate", BuiltinQuery::RequestRate, Role::Canary, 250.0 / 60, 250},
        // 230 responses: 1..100 ms twice and 30 at 30 ms.
        BuiltinCase{"latency_p50", BuiltinQuery::LatencyP50, Role::Canary, 43, 230},
        BuiltinCase{"latency_p90", BuiltinQuery::LatencyP90, Role::Canary, 89, 230},
        BuiltinCase{"latency_p99", BuiltinQuery::LatencyP99, Role::Canary, 99, 230},
        BuiltinCase{"no_requests_error_rate", BuiltinQuery::ErrorRate, Role::Stable, NAN, 0},
        BuiltinCase{"no_requests_request_rate", BuiltinQuery::RequestRate, Role::Stable, NAN, 0},
        BuiltinCase{"no_requests_latency", BuiltinQuery::LatencyP99, Role::Baseline, NAN, 0}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(BuiltinProvider, ReadsTheWindowEndingAtTheClocksNow) {
  OutcomeWindow outcomes;
  VirtualClock clock(kT0);
  BuiltinProvider provider(outcomes, BuiltinMetric{BuiltinQuery::ErrorRate}, clock);
  outcomes.record({Role::Canary, kT0 + 1s, 500, 5ms, false});
  outcomes.record({Role::Canary, kT0 + 2s, 200, 5ms, false});
  auto read = [&] {
    MetricReading out;
    provider.read(MetricQuery{"demo", "v2", Role::Canary, 10s}, [&](MetricReading r) { out = r; });
    return out;
  };
  EXPECT_EQ(read().samples, 0);  // both outcomes are after now
  clock.advance(3s);
  EXPECT_EQ(read().samples, 2);
  EXPECT_DOUBLE_EQ(read().value[0], 0.5);
  clock.advance(10s);  // [kT0 + 3 s, kT0 + 13 s): nothing left
  EXPECT_EQ(read().samples, 0);
}

}  // namespace
}  // namespace rollguard
