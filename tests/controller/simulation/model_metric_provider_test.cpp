// What a Prometheus or web metric measures, read from its text, in a simulation.
#include "controller/simulation/model_metric_provider.hpp"

#include <gtest/gtest.h>

namespace rollguard::sim {
namespace {

struct ClassifyCase {
  std::string name;
  ExternalMetric source;
  ModelQuantity quantity;
  double quantile;
  double unit_per_ms;
};

class ClassifyMetricTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyMetricTest, ReadsTheQuantityFromTheQuery) {
  const ClassifyCase& c = GetParam();
  const ModelMetric m = classify_metric(c.source);
  EXPECT_EQ(m.quantity, c.quantity);
  if (c.quantity == ModelQuantity::Latency) {
    EXPECT_DOUBLE_EQ(m.quantile, c.quantile);
    EXPECT_DOUBLE_EQ(m.unit_per_ms, c.unit_per_ms);
  }
}

PrometheusMetric prometheus(std::string query) {
  PrometheusMetric p;
  p.query = std::move(query);
  return p;
}

WebMetric web(std::string url, std::string path) {
  WebMetric w;
  w.url = std::move(url);
  w.jsonPath = std::move(path);
  return w;
}

INSTANTIATE_TEST_SUITE_P(
    Queries, ClassifyMetricTest,
    ::testing::Values(
        ClassifyCase{
            "prometheus_5xx",
            prometheus("sum(rate(http_requests_total{code=~\"5..\",version=\"{{version}}\"}[1m]))"),
            ModelQuantity::ErrorRate, 0, 0},
        ClassifyCase{"prometheus_histogram_quantile",
                     prometheus("histogram_quantile(0.9, sum(rate(demo_http_request_duration_"
                                "seconds_bucket[1m])) by (le))"),
                     ModelQuantity::Latency, 0.9, 0.001},
        ClassifyCase{"prometheus_rate", prometheus("sum(rate(http_requests_total[1m]))"),
                     ModelQuantity::RequestRate, 0, 0},
        ClassifyCase{"web_p50", web("http://metrics/api/latency", "$.p50"), ModelQuantity::Latency,
                     0.5, 1},
        ClassifyCase{"web_errors", web("http://metrics/api/errors", "$.rate"),
                     ModelQuantity::ErrorRate, 0, 0}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard::sim
