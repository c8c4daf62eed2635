#include "health/providers/builtin/outcome_window.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include <cmath>
#include <thread>

namespace rollguard {
namespace {

const TimePoint kWindowStart =
    TimePoint{} + 1000h;  // far from the epoch: bucket maths on big numbers

RequestOutcome ok(Role role, TimePoint at, Duration latency = 20ms) {
  return RequestOutcome{role, at, 200, latency, false};
}
RequestOutcome status(Role role, TimePoint at, int code) {
  return RequestOutcome{role, at, code, 30ms, false};
}
RequestOutcome refused(Role role, TimePoint at) {
  return RequestOutcome{role, at, 0, 1ms, true};
}

// `n` outcomes from `make`, one every `every`, the first at `start`.
template <class Make>
void spread(OutcomeWindow& w, int n, TimePoint start, Duration every, Make make) {
  for (int i = 0; i < n; ++i) w.record(make(start + every * i));
}

struct RateCase {
  const char* name;
  std::function<void(OutcomeWindow&)> fill;
  Duration end_offset;  // from kWindowStart
  Duration window;
  std::int64_t requests;
  std::int64_t failures;
  std::int64_t connection_errors;
  double error_rate;  // NaN: none
  double request_rate;
  Duration covered;  // to - from
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const RateCase& c, std::ostream* os) {
  *os << c.name;
}

class WindowRates : public ::testing::TestWithParam<RateCase> {};

TEST_P(WindowRates, CountsAndRates) {
  const RateCase& c = GetParam();
  OutcomeWindow w({.bucket = 1s, .horizon = 60s});
  c.fill(w);
  VirtualClock clock(kWindowStart + c.end_offset);
  const WindowStats s = w.stats(Role::Canary, clock.now(), c.window);
  EXPECT_EQ(s.requests, c.requests);
  EXPECT_EQ(s.failures, c.failures);
  EXPECT_EQ(s.connection_errors, c.connection_errors);
  if (std::isnan(c.error_rate))
    EXPECT_TRUE(std::isnan(s.error_rate()));
  else
    EXPECT_DOUBLE_EQ(s.error_rate(), c.error_rate);
  EXPECT_DOUBLE_EQ(s.request_rate(), c.request_rate);
  EXPECT_EQ(s.to, clock.now());
  EXPECT_EQ(s.to - s.from, c.covered);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WindowRates,
    ::testing::Values(
        RateCase{"all_ok",
                 [](OutcomeWindow& w) {
                   spread(w, 100, kWindowStart, 100ms,
                          [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 10s, 10s, 100, 0, 0, 0.0, 10.0, 10s},
        RateCase{"five_hundreds_are_errors",
                 [](OutcomeWindow& w) {
                   spread(w, 80, kWindowStart, 100ms,
                          [](TimePoint t) { return ok(Role::Canary, t); });
                   spread(w, 20, kWindowStart + 50ms, 400ms,
                          [](TimePoint t) { return status(Role::Canary, t, 503); });
                 },
                 10s, 10s, 100, 20, 0, 0.2, 10.0, 10s},
        RateCase{"four_hundreds_are_not_errors",
                 [](OutcomeWindow& w) {
                   spread(w, 50, kWindowStart, 200ms,
                          [](TimePoint t) { return status(Role::Canary, t, 404); });
                 },
                 10s, 10s, 50, 0, 0, 0.0, 5.0, 10s},
        RateCase{
            "connection_errors_are_errors",
            [](OutcomeWindow& w) {
              spread(w, 90, kWindowStart, 100ms, [](TimePoint t) { return ok(Role::Canary, t); });
              spread(w, 10, kWindowStart, 1s, [](TimePoint t) { return refused(Role::Canary, t); });
            },
            10s, 10s, 100, 10, 10, 0.1, 10.0, 10s},
        RateCase{"no_response_is_an_error",
                 [](OutcomeWindow& w) {
                   spread(w, 3, kWindowStart, 1s,
                          [](TimePoint t) { return status(Role::Canary, t, 0); });
                   spread(w, 1, kWindowStart, 1s, [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 10s, 10s, 4, 3, 0, 0.75, 0.4, 10s},
        RateCase{"other_roles_do_not_count",
                 [](OutcomeWindow& w) {
                   spread(w, 40, kWindowStart, 250ms,
                          [](TimePoint t) { return refused(Role::Stable, t); });
                   spread(w, 40, kWindowStart, 250ms,
                          [](TimePoint t) { return ok(Role::Baseline, t); });
                 },
                 10s, 10s, 0, 0, 0, NAN, 0.0, 10s},
        RateCase{"older_than_window_left_out",
                 [](OutcomeWindow& w) {
                   spread(w, 200, kWindowStart, 100ms, [](TimePoint t) {
                     return t < kWindowStart + 10s ? status(Role::Canary, t, 500)
                                                   : ok(Role::Canary, t);
                   });
                 },
                 20s, 10s, 100, 0, 0, 0.0, 10.0, 10s},
        // end 10.5 s, window 5 s: from the bucket holding 5.5 s, so [5 s, 10.5 s) = 5.5 s.
        RateCase{"window_start_rounds_down_to_a_bucket",
                 [](OutcomeWindow& w) {
                   spread(w, 105, kWindowStart, 100ms,
                          [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 10500ms, 5s, 55, 0, 0, 0.0, 10.0, 5500ms},
        // A window of one bucket ending just past a bucket's start still covers a whole bucket
        // (rounded up, it would cover 10 ms and one request).
        RateCase{"one_bucket_window_just_past_a_boundary",
                 [](OutcomeWindow& w) {
                   spread(w, 21, kWindowStart, 100ms,
                          [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 2010ms, 1s, 11, 0, 0, 0.0, 11 / 1.01, 1010ms},
        // Outcomes at exactly `end` belong to the next bucket's future: not in the window.
        RateCase{"end_is_exclusive",
                 [](OutcomeWindow& w) {
                   spread(w, 11, kWindowStart, 1s, [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 10s, 10s, 10, 0, 0, 0.0, 1.0, 10s},
        // A window shorter than a bucket covers the buckets holding end - window and end - 1 ms.
        RateCase{"window_below_a_bucket",
                 [](OutcomeWindow& w) {
                   spread(w, 25, kWindowStart, 100ms,
                          [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 2500ms, 200ms, 5, 0, 0, 0.0, 10.0, 500ms},
        RateCase{"window_longer_than_horizon_is_clamped",
                 [](OutcomeWindow& w) {
                   spread(w, 120, kWindowStart, 1s,
                          [](TimePoint t) { return ok(Role::Canary, t); });
                 },
                 120s, 10min, 60, 0, 0, 0.0, 1.0, 60s}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(OutcomeWindow, BucketsExpireWhenTheRingMovesOn) {
  OutcomeWindow w({.bucket = 1s, .horizon = 10s});
  spread(w, 10, kWindowStart, 1s, [](TimePoint t) { return status(Role::Canary, t, 500); });
  EXPECT_EQ(w.stats(Role::Canary, kWindowStart + 10s, 10s).failures, 10);

  // 30 s later the ring has recycled those buckets: a long window sees only the new outcome.
  w.record(ok(Role::Canary, kWindowStart + 40s));
  const WindowStats s = w.stats(Role::Canary, kWindowStart + 41s, 1h);
  EXPECT_EQ(s.requests, 1);
  EXPECT_EQ(s.failures, 0);
  // Asking about the old period now finds nothing rather than the recycled buckets' data.
  EXPECT_EQ(w.stats(Role::Canary, kWindowStart + 10s, 10s).requests, 0);

  // An outcome older than the horizon arrives late: dropped and counted, not misfiled.
  w.record(status(Role::Canary, kWindowStart + 29s, 500));
  EXPECT_EQ(w.dropped(), 1);
  EXPECT_EQ(w.stats(Role::Canary, kWindowStart + 41s, 1h).failures, 0);
  // A late outcome still inside the horizon is kept.
  w.record(status(Role::Canary, kWindowStart + 35s, 500));
  EXPECT_EQ(w.dropped(), 1);
  EXPECT_EQ(w.stats(Role::Canary, kWindowStart + 41s, 1h).failures, 1);
}

TEST(OutcomeWindow, QuantilesCoverResponsesOnly) {
  OutcomeWindow w;
  for (int i = 1; i <= 100; ++i) w.record(ok(Role::Canary, kWindowStart + 10ms * i, Duration{i}));
  for (int i = 0; i < 50; ++i) w.record(refused(Role::Canary, kWindowStart + 10ms * i));
  const WindowStats s = w.stats(Role::Canary, kWindowStart + 2s, 1min);
  EXPECT_EQ(s.requests, 150);
  EXPECT_EQ(s.latency.count(), 100u);
  EXPECT_EQ(s.latency.quantile(0.5), 50);
  EXPECT_EQ(s.latency.quantile(0.9), 90);
  EXPECT_EQ(s.latency.quantile(0.99), 99);
}

TEST(OutcomeWindow, BatchesPerBucketForTheSequentialJudge) {
  OutcomeWindow w;
  for (int second = 0; second < 5; ++second)
    for (int i = 0; i < 10; ++i)
      w.record(i < second ? status(Role::Canary, kWindowStart + 1s * second + 10ms * i, 502)
                          : ok(Role::Canary, kWindowStart + 1s * second + 10ms * i));
  const std::vector<OutcomeBatch> expected{{kWindowStart + 1s, 10, 1},
                                           {kWindowStart + 2s, 10, 2},
                                           {kWindowStart + 3s, 10, 3},
                                           {kWindowStart + 4s, 10, 4}};
  std::vector<OutcomeBatch> batches{{kWindowStart, 1, 1}};  // replaced, not appended to
  w.batches(Role::Canary, kWindowStart + 5s, 4s, batches);
  EXPECT_EQ(batches, expected);
  w.batches(Role::Stable, kWindowStart + 5s, 4s, batches);
  EXPECT_TRUE(batches.empty());
}

TEST(OutcomeWindow, IntervalSamplesForMannWhitney) {
  OutcomeWindow w;
  // Seconds 0..5: 10 requests each; second s has s refused connections, and the responses
  // take 10*(s+1) ms.
  for (int s = 0; s < 6; ++s)
    for (int i = 0; i < 10; ++i)
      w.record(i < s ? refused(Role::Canary, kWindowStart + 1s * s + 10ms * i)
                     : ok(Role::Canary, kWindowStart + 1s * s + 10ms * i, Duration{10 * (s + 1)}));
  // Second 6 is empty; then one more second.
  for (int i = 0; i < 10; ++i) w.record(ok(Role::Canary, kWindowStart + 7s + 10ms * i, 5ms));

  EXPECT_EQ(w.interval_samples(Role::Canary, BuiltinQuery::ErrorRate, kWindowStart + 8s, 8s, 1s),
            (std::vector<double>{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0}));
  EXPECT_EQ(w.interval_samples(Role::Canary, BuiltinQuery::ErrorRate, kWindowStart + 8s, 8s, 2s),
            (std::vector<double>{0.05, 0.25, 0.45, 0}));
  EXPECT_EQ(w.interval_samples(Role::Canary, BuiltinQuery::RequestRate, kWindowStart + 8s, 8s, 2s),
            (std::vector<double>{10, 10, 10, 5}));
  EXPECT_EQ(w.interval_samples(Role::Canary, BuiltinQuery::LatencyP50, kWindowStart + 8s, 8s, 1s),
            (std::vector<double>{10, 20, 30, 40, 50, 60, 5}));
  EXPECT_TRUE(w.interval_samples(Role::Baseline, BuiltinQuery::ErrorRate, kWindowStart + 8s, 8s, 1s)
                  .empty());
}

TEST(OutcomeWindow, LatencySamplesExpandOrThin) {
  OutcomeWindow w;
  for (int i = 0; i < 1000; ++i)
    w.record(ok(Role::Baseline, kWindowStart + 1ms * i, Duration{i % 100}));
  const auto all = w.latency_samples(Role::Baseline, kWindowStart + 1s, 1s, 5000);
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(all.front(), 0);
  EXPECT_EQ(all.back(), 99);
  EXPECT_EQ(std::count(all.begin(), all.end(), 42.0), 10);

  const auto thin = w.latency_samples(Role::Baseline, kWindowStart + 1s, 1s, 100);
  ASSERT_EQ(thin.size(), 100u);
  EXPECT_TRUE(std::is_sorted(thin.begin(), thin.end()));
  for (std::size_t j = 0; j < thin.size(); ++j) EXPECT_EQ(thin[j], static_cast<double>(j)) << j;
}

TEST(OutcomeWindow, ConcurrentRecordersLoseNothing) {
  OutcomeWindow w({.bucket = 100ms, .horizon = 60s});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&w, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const Role role = kRoles[static_cast<std::size_t>(i % 3)];
        const TimePoint at = kWindowStart + Duration{(i * 7 + t * 13) % 30'000};
        w.record(i % 10 == 0 ? status(role, at, 500) : ok(role, at, Duration{i % 300}));
      }
    });
  }
  for (auto& t : threads) t.join();
  std::int64_t total = 0;
  for (Role role : kRoles) {
    std::int64_t requests = 0, failures = 0;
    for (int i = 0; i < kPerThread; ++i) {
      if (kRoles[static_cast<std::size_t>(i % 3)] != role) continue;
      requests += kThreads;
      if (i % 10 == 0) failures += kThreads;
    }
    const WindowStats s = w.stats(role, kWindowStart + 30s, 30s);
    EXPECT_EQ(s.requests, requests) << to_string(role);
    EXPECT_EQ(s.failures, failures) << to_string(role);
    EXPECT_EQ(s.latency.count(), static_cast<std::uint64_t>(requests));  // 5xx are responses
    total += s.requests;
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  EXPECT_EQ(w.dropped(), 0);
}

TEST(OutcomeWindow, RejectsABadShape) {
  EXPECT_THROW(OutcomeWindow({.bucket = 0ms, .horizon = 1s}), std::invalid_argument);
  EXPECT_THROW(OutcomeWindow({.bucket = 1s, .horizon = 500ms}), std::invalid_argument);
}

}  // namespace
}  // namespace rollguard
