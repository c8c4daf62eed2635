#include "health/providers/builtin/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace rollguard {

namespace {
// Bins of octave e (values in [2^e, 2^(e+1))) are 2^(e-6) wide.
constexpr int kFirstOctave = 7;
constexpr int kSubBits = 6;
static_assert(LatencyHistogram::kExactBelow == (1 << kFirstOctave));
static_assert(LatencyHistogram::kBinsPerOctave == (1 << kSubBits));
}  // namespace

int LatencyHistogram::bin_of(std::int64_t millis) {
  const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(millis, 0, kMaxValue));
  if (v < static_cast<std::uint64_t>(kExactBelow)) return static_cast<int>(v);
  const int octave = std::bit_width(v) - 1;
  const int shift = octave - kSubBits;
  const int sub = static_cast<int>(v >> shift) - kBinsPerOctave;
  return static_cast<int>(kExactBelow) + (octave - kFirstOctave) * kBinsPerOctave + sub;
}

double LatencyHistogram::representative(int bin) {
  if (bin < kExactBelow) return bin;
  const int octave = (bin - static_cast<int>(kExactBelow)) / kBinsPerOctave + kFirstOctave;
  const int sub = (bin - static_cast<int>(kExactBelow)) % kBinsPerOctave;
  const int shift = octave - kSubBits;
  const double lower =
      static_cast<double>(static_cast<std::int64_t>(kBinsPerOctave + sub) << shift);
  const double width = static_cast<double>(std::int64_t{1} << shift);
  // The bin holds the whole milliseconds lower .. lower + width - 1.
  return lower + (width - 1) / 2;
}

void LatencyHistogram::add(std::int64_t millis) {
  ++counts_[bin_of(millis)];
  ++total_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBins; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
}

void LatencyHistogram::clear() {
  counts_.fill(0);
  total_ = 0;
}

double LatencyHistogram::quantile(double q) const {
  if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  // The epsilon keeps q * n that lands a rounding error above an integer (0.99 * 100) on it.
  const double exact_rank = std::ceil(q * static_cast<double>(total_) - 1e-9);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(exact_rank));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBins; ++i) {
    seen += counts_[i];
    if (seen >= rank) return representative(i);
  }
  return representative(kBins - 1);
}

}  // namespace rollguard
