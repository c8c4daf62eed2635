#pragma once
// A fixed-size log-linear histogram of request latencies in whole milliseconds.
// Why this shape: the router records thousands of requests per second into it, so adding a
// value must be a couple of integer operations with no allocation, and a window query merges
// many of these, so the size must be small and fixed.
//
// Accuracy: latencies below 128 ms are kept exactly (RequestOutcome::latency is already whole
// milliseconds). Above, each power of two is split into 64 equal bins, and a bin reports its
// midpoint, so a reported quantile is within 1/128 (0.79%) of the exact nearest-rank quantile.
// Latencies of 131072 ms (2^17) and more are counted as 131071 ms.
#include <array>
#include <cstdint>

namespace rollguard {

class LatencyHistogram {
 public:
  static constexpr std::int64_t kExactBelow = 128;
  static constexpr int kBinsPerOctave = 64;
  static constexpr int kTopOctave = 17;  // values clamp below 2^kTopOctave ms
  static constexpr std::int64_t kMaxValue = (std::int64_t{1} << kTopOctave) - 1;
  static constexpr int kBins = kExactBelow + (kTopOctave - 7) * kBinsPerOctave;
  static constexpr double kMaxRelativeError = 1.0 / 128;

  void add(std::int64_t millis);
  void merge(const LatencyHistogram& other);
  void clear();
  std::uint64_t count() const { return total_; }

  // Nearest-rank quantile (the smallest value with at least q of the values at or below it),
  // reported as its bin's midpoint. NaN when empty. q is clamped to [0, 1].
  double quantile(double q) const;

  std::uint32_t bin_count(int bin) const { return counts_[bin]; }
  static int bin_of(std::int64_t millis);
  static double representative(int bin);

 private:
  std::array<std::uint32_t, kBins> counts_{};
  std::uint64_t total_ = 0;
};

}  // namespace rollguard
