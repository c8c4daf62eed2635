#pragma once
// Prometheus text exposition format 0.0.4: families with HELP and TYPE, label values escaped,
// histograms as cumulative _bucket{le=...}, _sum and _count.
#include <map>
#include <string>
#include <vector>

namespace rollguard {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Fixed upper bounds (seconds, or any unit); counts kept per bucket, not cumulative.
struct HistogramData {
  std::vector<double> bounds;
  std::vector<std::uint64_t> counts;  // bounds.size() + 1 (the last is +Inf)
  double sum = 0;
  std::uint64_t count = 0;

  explicit HistogramData(std::vector<double> upper_bounds = {})
      : bounds(std::move(upper_bounds)), counts(bounds.size() + 1, 0) {}
  void observe(double value);
};

class MetricsText {
 public:
  void family(const std::string& name, const std::string& type, const std::string& help);
  void sample(const std::string& name, const MetricLabels& labels, double value);
  void histogram(const std::string& name, const MetricLabels& labels, const HistogramData& h);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

std::string format_metric_value(double value);  // integers without a fraction, +Inf, NaN

}  // namespace rollguard
