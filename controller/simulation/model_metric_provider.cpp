#include "controller/simulation/model_metric_provider.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

#include "manifests/overloaded.hpp"

namespace rollguard::sim {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool mentions(const std::string& text, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](const char* w) { return text.find(w) != std::string::npos; });
}

}  // namespace

ModelMetric classify_metric(const ExternalMetric& source) {
  ModelMetric m;
  const std::string text =
      std::visit(Overloaded{[](const PrometheusMetric& p) { return lower(p.query); },
                            [&](const WebMetric& w) {
                              m.unit_per_ms = 1;
                              return lower(w.url + " " + w.jsonPath);
                            }},
                 source);
  if (mentions(text, {"latency", "duration", "quantile", "p50", "p90", "p99"})) {
    m.quantity = ModelQuantity::Latency;
    std::smatch match;
    static const std::regex quantile(R"(histogram_quantile\(\s*(0?\.\d+))");
    static const std::regex named(R"(p(50|90|95|99)\b)");
    if (std::regex_search(text, match, quantile))
      m.quantile = std::stod(match[1].str());
    else if (std::regex_search(text, match, named))
      m.quantile = std::stod(match[1].str()) / 100;
  } else if (mentions(text, {"error", "5..", "5xx", "code=~\"5", "fail"})) {
    m.quantity = ModelQuantity::ErrorRate;
  }
  return m;
}

void ModelMetricProvider::read(const MetricQuery& query, std::function<void(MetricReading)> done) {
  const WindowCounts c = outcomes_.counts(query.role, scheduler_.now(), query.window);
  MetricReading r;
  double value = std::nan("");
  switch (metric_.quantity) {
    case ModelQuantity::ErrorRate:
      if (c.requests > 0) value = static_cast<double>(c.failures) / static_cast<double>(c.requests);
      break;
    case ModelQuantity::RequestRate:
      if (c.to > c.from) value = static_cast<double>(c.requests) / seconds(c.to - c.from);
      break;
    case ModelQuantity::Latency:
      value = outcomes_.latency_quantile(c.responded, metric_.quantile) * metric_.unit_per_ms;
      break;
  }
  if (std::isnan(value)) {
    r = MetricReading::failure("query returned no data for " + std::string(to_string(query.role)));
  } else {
    if (noise_level_ > 0) value = std::max(0.0, value * (1 + noise_level_ * noise_.normal()));
    r.value = {value};
    r.samples = c.requests;
  }
  scheduler_.post([done = std::move(done), r = std::move(r)] { done(r); });
}

}  // namespace rollguard::sim
