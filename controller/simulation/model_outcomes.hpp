#pragma once
// The analysis engine's view of the simulated request stream: the same questions the
// built-in router's OutcomeWindow answers (same windows, same horizon, same histogram
// resolution), answered from the traffic model's per-bucket counts. Latencies are never
// stored: a quantile of n responses is drawn as the matching order statistic of the version's
// latency distribution, and per-request samples are drawn when a judge asks for them.
#include <vector>

#include "controller/simulation/traffic_model.hpp"
#include "health/outcome_source.hpp"
#include "health/providers/builtin/outcome_window.hpp"

namespace rollguard::sim {

// Counts over a window of one role.
struct WindowCounts {
  TimePoint from{}, to{};
  std::int64_t requests = 0, failures = 0, connection_errors = 0;
  std::vector<RegimeCount> responded;  // per latency regime
  std::int64_t responses() const;
};

class ModelOutcomes final : public OutcomeSource {
 public:
  ModelOutcomes(TrafficModel& model, std::uint64_t seed, OutcomeWindowOptions options = {});

  Duration batch() const override { return options_.bucket; }
  MetricReading reading(Role role, BuiltinQuery query, TimePoint end,
                        Duration window) const override;
  std::vector<double> samples(Role role, BuiltinQuery query, TimePoint end,
                              Duration window) const override;
  void batches(Role role, TimePoint end, Duration window,
               std::vector<OutcomeBatch>& out) const override;
  // The end of the batch of the next failure the model has due for either role, at most a
  // minute on (so that the batches in between are still within the horizon when read).
  TimePoint next_evidence(Role canary, Role compared, TimePoint fed_until) const override;

  WindowCounts counts(Role role, TimePoint end, Duration window) const;
  // The nearest-rank q-quantile of the responses counted, at histogram resolution; NaN
  // without responses.
  double latency_quantile(const std::vector<RegimeCount>& responded, double q) const;

 private:
  WindowCounts tally(Role role, TimePoint end, Duration window, bool regimes) const;
  double mixture_quantile(const std::vector<RegimeCount>& responded, double u) const;
  std::vector<double> latency_samples(const std::vector<RegimeCount>& responded) const;

  TrafficModel& model_;
  mutable Random random_;  // reads draw latencies: the same calls in the same order, same values
  OutcomeWindowOptions options_;
};

// A latency as the built-in router's histogram reports it: whole ms, then its bin's midpoint.
double at_histogram_resolution(double millis);

}  // namespace rollguard::sim
