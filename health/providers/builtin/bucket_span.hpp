#pragma once
// Which whole time buckets a query "over `window`, ending at `end`" covers. Shared by the
// built-in router's OutcomeWindow and the simulator's model of it, so that both answer a
// query from exactly the same buckets (docs/metrics.md, "Window and accuracy").
#include <cstdint>

#include "health/measurement.hpp"

namespace rollguard {

// Division rounding towards minus infinity (and up): times before the epoch stay in order.
// Inline: the simulator asks for a bucket's number tens of thousands of times a run.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return -floor_div(-a, b);
}

struct BucketSpan {
  std::int64_t first = 0;  // bucket numbers since the epoch, inclusive
  std::int64_t last = 0;
  TimePoint from{};  // the start of bucket `first`
  TimePoint to{};    // `end`
};

// The buckets from the one holding `end - window` to the one holding `end - 1 ms`, so the
// covered span [from, end) is never shorter than the window (clamped to `horizon`) and at most
// one bucket longer. Rounding the start down rather than up matters when the window is about
// a bucket long: rounded up, a 1 s window ending 10 ms into a 1 s bucket would cover 10 ms.
BucketSpan bucket_span(TimePoint end, Duration window, Duration bucket, Duration horizon);

}  // namespace rollguard
