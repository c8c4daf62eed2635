#pragma once
// The built-in router's per-request outcomes, kept per role in a ring of small time buckets
// so that the controller can ask for rates, error rates and latency quantiles over any recent
// window, and the judges can get per-interval samples and per-batch counts.
//
// Threads: router threads call record() concurrently; the controller queries from its own
// thread. Each role has its own lock, held for a few integer operations per record.
// Time: every query takes its `end` from the caller's clock; nothing here reads a clock.
// Memory: (horizon / bucket + 1) buckets per role, each 32 bytes plus, once it has seen a
// response, a LatencyHistogram (3 KB) that is reused when the bucket is recycled; so after
// warm-up record() never allocates. Defaults: 1 s buckets over 15 min, at most ~8.5 MB.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "health/measurement.hpp"
#include "health/outcome_source.hpp"
#include "health/providers/builtin/latency_histogram.hpp"

namespace rollguard {

struct OutcomeWindowOptions {
  Duration bucket = 1s;
  Duration horizon = 15min;  // older outcomes are forgotten; longer windows are clamped
  // The sequential judge's batches: counts only, in finer buckets over a shorter horizon, so
  // that a broken canary is judged a tenth of a second after the evidence arrives rather
  // than at the end of a whole bucket (docs/metrics.md).
  Duration batch = 100ms;
  Duration batch_horizon = 1min;
};

// What a window holds. The covered span is [from, to): `to` is the query's end and `from` is
// the start of the first whole bucket at or after end - window (see docs/metrics.md).
struct WindowStats {
  TimePoint from{};
  TimePoint to{};
  std::int64_t requests = 0;
  std::int64_t failures = 0;           // 5xx, no response, or connection error
  std::int64_t connection_errors = 0;  // a subset of failures
  LatencyHistogram latency;            // requests that got an HTTP response

  double error_rate() const;    // failures / requests; NaN without requests
  double request_rate() const;  // requests per second over [from, to)
};

class OutcomeWindow final : public OutcomeSink, public OutcomeSource {
 public:
  explicit OutcomeWindow(OutcomeWindowOptions options = {});

  void record(const RequestOutcome& outcome) override;

  WindowStats stats(Role role, TimePoint end, Duration window) const;

  // OutcomeSource: builtin_reading of stats(); latency_samples for latency queries and
  // per-bucket interval_samples otherwise; batches for the sequential judge, `batch` long each
  // (only the last `batch_horizon` is kept).
  Duration batch() const override { return options_.batch; }
  MetricReading reading(Role role, BuiltinQuery query, TimePoint end,
                        Duration window) const override;
  std::vector<double> samples(Role role, BuiltinQuery query, TimePoint end,
                              Duration window) const override;
  void batches(Role role, TimePoint end, Duration window,
               std::vector<OutcomeBatch>& out) const override;

  // The window cut into consecutive intervals of `every` (rounded to whole buckets, at least
  // one), oldest first, and `query` evaluated on each: the per-interval values for the
  // Mann-Whitney judge. Intervals without the data the query needs (no requests; no
  // responses for latency) give no sample; request_rate counts an empty interval as 0.
  std::vector<double> interval_samples(Role role, BuiltinQuery query, TimePoint end,
                                       Duration window, Duration every) const;

  // Per-request latencies (ms, at histogram resolution), sorted ascending. When more than
  // `cap` requests are in the window, `cap` evenly spaced quantiles of them instead.
  std::vector<double> latency_samples(Role role, TimePoint end, Duration window,
                                      std::size_t cap = 5000) const;

  // Outcomes that arrived more than the horizon behind the newest one of their role.
  std::int64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  const OutcomeWindowOptions& options() const { return options_; }

 private:
  struct Bucket {
    std::int64_t index = INT64_MIN;  // bucket number since the epoch; INT64_MIN: never used
    std::uint32_t requests = 0;
    std::uint32_t failures = 0;
    std::uint32_t connection_errors = 0;
    std::unique_ptr<LatencyHistogram> latency;  // allocated once, cleared on reuse
  };
  struct Tally {
    std::int64_t index = INT64_MIN;
    std::uint32_t requests = 0;
    std::uint32_t failures = 0;
  };
  struct Lane {
    mutable std::mutex mutex;
    std::vector<Bucket> buckets;
    std::vector<Tally> tallies;           // the batches, a ring like `buckets`
    std::int64_t newest = INT64_MIN / 2;  // the newest bucket number recorded
    // Whether `b` holds bucket `index` and that is still inside the horizon, so that the
    // answer about an old period is "nothing" however much of the ring was recycled.
    bool holds(const Bucket& b, std::int64_t index) const {
      return b.index == index && index > newest - static_cast<std::int64_t>(buckets.size());
    }
  };
  const Lane& lane(Role role) const { return lanes_[static_cast<std::size_t>(role)]; }
  // Adds bucket `index` into `out` if the ring still holds it. Caller holds the lane lock.
  void accumulate(const Lane& lane, std::int64_t index, WindowStats& out) const;

  OutcomeWindowOptions options_;
  std::int64_t bucket_ms_;
  std::int64_t batch_ms_;
  std::array<Lane, 3> lanes_;
  std::atomic<std::int64_t> dropped_{0};
};

}  // namespace rollguard
