#pragma once
// The `prometheus` metric source: one instant query over Prometheus's HTTP API
// (GET {address}/api/v1/query), with {{name}}, {{version}} and {{role}} filled in.
#include <string>

#include "health/measurement.hpp"

namespace rollguard {

// Turns an API response into a reading. A scalar gives one value; an instant vector gives
// one value per series, sorted by label set, with is_list set. Everything else is an Error
// reading with its reason: a non-2xx status (with Prometheus's own message when the body
// has one), a body that is not JSON, `"status": "error"`, an empty vector, a matrix or
// string result, a value that is not a number. NaN and +Inf/-Inf values are values.
MetricReading parse_prometheus_response(int http_status, const std::string& body);

class PrometheusProvider final : public MetricProvider {
 public:
  explicit PrometheusProvider(PrometheusMetric metric) : metric_(std::move(metric)) {}

  // `done` runs on an HTTP pool thread (or at once when the query template is bad).
  void read(const MetricQuery& query, std::function<void(MetricReading)> done) override;

  // The URL read() would fetch, or the template error.
  struct Target {
    std::string url;
    std::string error;
  };
  Target target(const MetricQuery& query) const;

 private:
  PrometheusMetric metric_;
};

}  // namespace rollguard
