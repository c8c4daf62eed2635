#include "health/providers/builtin/builtin_provider.hpp"

#include <limits>

namespace rollguard {

MetricReading builtin_reading(const WindowStats& stats, BuiltinQuery query) {
  MetricReading r;
  double value = std::numeric_limits<double>::quiet_NaN();
  std::int64_t samples = stats.requests;
  switch (query) {
    case BuiltinQuery::RequestRate:
      if (stats.requests > 0) value = stats.request_rate();
      break;
    case BuiltinQuery::ErrorRate:
      value = stats.error_rate();
      break;
    case BuiltinQuery::LatencyP50:
    case BuiltinQuery::LatencyP90:
    case BuiltinQuery::LatencyP99: {
      const double q = query == BuiltinQuery::LatencyP50   ? 0.50
                       : query == BuiltinQuery::LatencyP90 ? 0.90
                                                           : 0.99;
      samples = static_cast<std::int64_t>(stats.latency.count());
      value = stats.latency.quantile(q);
      break;
    }
  }
  r.value = {value};
  r.samples = samples;
  return r;
}

void BuiltinProvider::read(const MetricQuery& query, std::function<void(MetricReading)> done) {
  done(builtin_reading(outcomes_.stats(query.role, clock_.now(), query.window), metric_.query));
}

}  // namespace rollguard
