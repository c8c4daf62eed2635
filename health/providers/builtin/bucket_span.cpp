#include "health/providers/builtin/bucket_span.hpp"

#include <algorithm>

namespace rollguard {

BucketSpan bucket_span(TimePoint end, Duration window, Duration bucket, Duration horizon) {
  window = std::clamp(window, Duration{0}, horizon);
  const std::int64_t end_ms = end.time_since_epoch().count();
  const std::int64_t bucket_ms = bucket.count();
  BucketSpan s;
  s.last = floor_div(end_ms - 1, bucket_ms);
  s.first = std::min(floor_div(end_ms - window.count(), bucket_ms), s.last);
  s.from = TimePoint{Duration{s.first * bucket_ms}};
  s.to = end;
  return s;
}

}  // namespace rollguard
