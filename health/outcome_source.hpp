#pragma once
// What the analysis engine reads about request outcomes, per role and time window: the
// built-in router's OutcomeWindow live, the traffic model in the simulator. Queries take
// their `end` from the caller's clock; nothing behind this interface reads a clock.
#include <cstdint>
#include <vector>

#include "health/measurement.hpp"

namespace rollguard {

// One bucket's counts, for the sequential judge: outcomes in arrival-time order, batched.
struct OutcomeBatch {
  TimePoint start{};
  std::int64_t requests = 0;
  std::int64_t failures = 0;
  bool operator==(const OutcomeBatch&) const = default;
};

class OutcomeSource {
 public:
  virtual ~OutcomeSource() = default;

  // The width of a batch: the sequential judge takes whole batches only, each once.
  virtual Duration batch() const = 0;

  // A builtin metric of `role` over the window ending at `end` (builtin_reading's rules:
  // NaN with samples 0 when there is nothing to measure).
  virtual MetricReading reading(Role role, BuiltinQuery query, TimePoint end,
                                Duration window) const = 0;

  // The Mann-Whitney judge's samples of `query`: per-request latencies for latency queries,
  // per-bucket values otherwise.
  virtual std::vector<double> samples(Role role, BuiltinQuery query, TimePoint end,
                                      Duration window) const = 0;

  // The whole batches of the window that saw at least one request, oldest first, into `out`
  // (what it held is replaced; its memory is reused, as the judge asks every batch).
  virtual void batches(Role role, TimePoint end, Duration window,
                       std::vector<OutcomeBatch>& out) const = 0;

  // When the sequential judge, having seen every batch before `fed_until`, should look
  // again: the end of the first batch that may hold a failure of `canary` or `compared` (a
  // batch without failures carries no evidence). The router cannot know beforehand and says
  // the next batch; the simulator's model knows when its next failure is due.
  virtual TimePoint next_evidence(Role canary, Role compared, TimePoint fed_until) const {
    (void)canary;
    (void)compared;
    return fed_until + batch();
  }

  // Every outcome stamped before this time is in (the sequential judge takes no batch past
  // it, since a batch taken is never taken again). Live and simulated outcomes arrive as they
  // happen; a standalone router's arrive when they are fetched (RemoteOutcomeReader).
  virtual TimePoint complete_until() const { return TimePoint::max(); }
};

}  // namespace rollguard
