#pragma once
// Prometheus and web metrics in a simulation: no server is asked; the value is what such a
// query would have returned for the simulated requests of the role over the window, times
// (1 + metricNoise · N(0, 1)). What a query measures is read from its text
// (docs/simulation.md, "Prometheus and web metrics"): a latency quantile when it mentions
// latency/duration/quantile/p50/p90/p99 (seconds for Prometheus, milliseconds for web), an
// error rate when it mentions error/5xx/fail, else the request rate.
#include "controller/simulation/model_outcomes.hpp"
#include "controller/simulation/virtual_scheduler.hpp"
#include "health/measurement.hpp"

namespace rollguard::sim {

enum class ModelQuantity { ErrorRate, RequestRate, Latency };

struct ModelMetric {
  ModelQuantity quantity = ModelQuantity::RequestRate;
  double quantile = 0.99;      // for Latency
  double unit_per_ms = 0.001;  // Latency values are ms times this
};

ModelMetric classify_metric(const ExternalMetric& source);

class ModelMetricProvider final : public MetricProvider {
 public:
  ModelMetricProvider(ModelMetric metric, const ModelOutcomes& outcomes,
                      VirtualScheduler& scheduler, Random& noise, double noise_level)
      : metric_(metric),
        outcomes_(outcomes),
        scheduler_(scheduler),
        noise_(noise),
        noise_level_(noise_level) {}

  // Answers later on the scheduler, as a real provider answers from its own thread.
  void read(const MetricQuery& query, std::function<void(MetricReading)> done) override;

 private:
  ModelMetric metric_;
  const ModelOutcomes& outcomes_;
  VirtualScheduler& scheduler_;
  Random& noise_;
  double noise_level_;
};

}  // namespace rollguard::sim
