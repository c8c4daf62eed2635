#include "health/providers/metric_provider_registry.hpp"

#include "health/providers/prometheus/prometheus_provider.hpp"
#include "health/providers/web/web_provider.hpp"
#include "manifests/overloaded.hpp"

namespace rollguard {

std::unique_ptr<MetricProvider> make_metric_provider(const ExternalMetric& source) {
  return std::visit(Overloaded{[](const PrometheusMetric& m) -> std::unique_ptr<MetricProvider> {
                                 return std::make_unique<PrometheusProvider>(m);
                               },
                               [](const WebMetric& m) -> std::unique_ptr<MetricProvider> {
                                 return std::make_unique<WebProvider>(m);
                               }},
                    source);
}

}  // namespace rollguard
