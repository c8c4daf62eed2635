#pragma once
// Request counters and a latency histogram in the Prometheus text format, every series
// labelled with the app's version so that one Prometheus can tell stable from canary.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace rollguard::demo {

class DemoMetrics {
 public:
  // Upper bounds (seconds) of the latency buckets; +Inf is implied.
  static constexpr std::array<double, 11> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                   0.5,   1.0,  2.5,   5.0,  10.0};

  explicit DemoMetrics(std::string version);

  // A request arrived; it is in flight until record() counts its answer.
  void arrived();
  void record(unsigned status, double seconds);

  // The exposition text; `retained_bytes` is reported as a gauge.
  std::string render(std::size_t retained_bytes) const;

 private:
  std::string labels_;  // version="..." escaped once
  mutable std::mutex mutex_;
  std::map<unsigned, std::uint64_t> by_status_;
  std::array<std::uint64_t, kBuckets.size()> buckets_{};  // non-cumulative counts
  std::int64_t in_flight_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
};

}  // namespace rollguard::demo
