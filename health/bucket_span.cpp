#include "health/bucket_span.hpp"

#include <algorithm>

namespace rollguard {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return -floor_div(-a, b);
}

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
