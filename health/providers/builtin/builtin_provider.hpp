#pragma once
// The `builtin` metric source: error_rate, request_rate and latency quantiles of one role over
// MetricQuery::window, computed from the outcomes the built-in router recorded.
#include "health/measurement.hpp"
#include "health/providers/builtin/outcome_window.hpp"

namespace rollguard {

// The reading for `query` from a window's statistics. `samples` is the number of requests
// behind the value (for latency, the requests that got a response). Without them the value
// is NaN with samples 0, so that minSamples turns it into Inconclusive, never Successful.
MetricReading builtin_reading(const WindowStats& stats, BuiltinQuery query);

class BuiltinProvider final : public MetricProvider {
 public:
  // Both references must outlive the provider.
  BuiltinProvider(const OutcomeWindow& outcomes, BuiltinMetric metric, const Clock& clock)
      : outcomes_(outcomes), metric_(metric), clock_(clock) {}

  // Answers at once, on the calling thread, for the window ending at clock.now().
  void read(const MetricQuery& query, std::function<void(MetricReading)> done) override;

 private:
  const OutcomeWindow& outcomes_;
  BuiltinMetric metric_;
  const Clock& clock_;
};

}  // namespace rollguard
