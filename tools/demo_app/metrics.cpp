#include "tools/demo_app/metrics.hpp"

#include <charconv>

namespace rollguard::demo {
namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace

DemoMetrics::DemoMetrics(std::string version)
    : labels_("version=\"" + escape_label(version) + "\"") {}

void DemoMetrics::arrived() {
  std::lock_guard lock(mutex_);
  ++in_flight_;
}

void DemoMetrics::record(unsigned status, double seconds) {
  std::lock_guard lock(mutex_);
  --in_flight_;
  ++by_status_[status];
  ++count_;
  sum_ += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++buckets_[i];
      break;
    }
  }
}

std::string DemoMetrics::render(std::size_t retained_bytes) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out +=
      "# HELP demo_http_requests_total Application requests served (not /healthz or /metrics).\n";
  out += "# TYPE demo_http_requests_total counter\n";
  for (const auto& [status, n] : by_status_) {
    out += "demo_http_requests_total{" + labels_ + ",code=\"" + std::to_string(status) + "\"} " +
           std::to_string(n) + "\n";
  }
  out +=
      "# HELP demo_http_request_duration_seconds Application request latency, added delay "
      "included.\n";
  out += "# TYPE demo_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += buckets_[i];
    out += "demo_http_request_duration_seconds_bucket{" + labels_ + ",le=\"" + number(kBuckets[i]) +
           "\"} " + std::to_string(cumulative) + "\n";
  }
  out += "demo_http_request_duration_seconds_bucket{" + labels_ + ",le=\"+Inf\"} " +
         std::to_string(count_) + "\n";
  out += "demo_http_request_duration_seconds_sum{" + labels_ + "} " + number(sum_) + "\n";
  out +=
      "demo_http_request_duration_seconds_count{" + labels_ + "} " + std::to_string(count_) + "\n";
  out += "# HELP demo_http_requests_in_flight Application requests arrived and not yet answered.\n";
  out += "# TYPE demo_http_requests_in_flight gauge\n";
  out += "demo_http_requests_in_flight{" + labels_ + "} " + std::to_string(in_flight_) + "\n";
  out += "# HELP demo_retained_bytes Memory kept by --memory-growth.\n";
  out += "# TYPE demo_retained_bytes gauge\n";
  out += "demo_retained_bytes{" + labels_ + "} " + std::to_string(retained_bytes) + "\n";
  return out;
}

}  // namespace rollguard::demo
