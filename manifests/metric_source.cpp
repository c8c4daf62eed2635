#include "manifests/overloaded.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

std::optional<ExternalMetric> external_metric(const MetricSource& source) {
  return std::visit(
      Overloaded{[](const BuiltinMetric&) -> std::optional<ExternalMetric> { return {}; },
                 [](const PrometheusMetric& m) -> std::optional<ExternalMetric> { return m; },
                 [](const WebMetric& m) -> std::optional<ExternalMetric> { return m; }},
      source);
}

std::string_view metric_kind_name(const MetricSource& source) {
  return std::visit(Overloaded{[](const BuiltinMetric&) { return "builtin"; },
                               [](const PrometheusMetric&) { return "prometheus"; },
                               [](const WebMetric&) { return "web"; }},
                    source);
}

}  // namespace rollguard
