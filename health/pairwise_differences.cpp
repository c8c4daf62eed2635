#include "health/pairwise_differences.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>

namespace rollguard {
namespace {

// Doubles mapped to integers in the same order, so that bisecting on the integers halves the
// number of representable values in between: at most 64 steps whatever the magnitudes.
std::int64_t order_key(double d) {
  const auto bits = std::bit_cast<std::int64_t>(d);
  return bits >= 0 ? bits : -(bits & std::numeric_limits<std::int64_t>::max());
}

double from_order_key(std::int64_t key) {
  if (key >= 0) return std::bit_cast<double>(key);
  return std::bit_cast<double>((-key) | std::numeric_limits<std::int64_t>::min());
}

double key_midpoint(double lo, double hi) {
  const std::int64_t a = order_key(lo), b = order_key(hi);
  const auto half = (static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a)) / 2;
  return from_order_key(static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + half));
}

// Writes every difference in (lo, hi] to out, which has room for all of them; returns the end.
double* collect_between(std::span<const double> xs, std::span<const double> ys, double lo,
                        double hi, double* out) {
  const std::size_t n = ys.size();
  std::size_t first = 0;  // first j with x_i - y_j <= hi
  std::size_t end = 0;    // first j with x_i - y_j <= lo
  for (const double x : xs) {
    while (first < n && x - ys[first] > hi) ++first;
    while (end < n && x - ys[end] > lo) ++end;
    for (std::size_t j = first; j < end; ++j) *out++ = x - ys[j];
  }
  return out;
}

}  // namespace

std::int64_t count_differences_at_most(std::span<const double> xs, std::span<const double> ys,
                                       double t) {
  // For a fixed x_i the differences fall as j grows, so those <= t are a suffix of ys; its
  // start only moves right as x_i grows.
  const std::size_t n = ys.size();
  std::size_t j = 0;
  std::int64_t count = 0;
  for (const double x : xs) {
    while (j < n && x - ys[j] > t) ++j;
    count += static_cast<std::int64_t>(n - j);
  }
  return count;
}

double kth_difference(std::span<const double> xs, std::span<const double> ys, std::int64_t k,
                      std::vector<double>& scratch) {
  assert(!xs.empty() && !ys.empty());
  const std::int64_t total = static_cast<std::int64_t>(xs.size() * ys.size());
  assert(k >= 1 && k <= total);
  // Invariant: count(<= lo) < k <= count(<= hi).
  double hi = xs.back() - ys.front();
  double lo = std::nextafter(xs.front() - ys.back(), -std::numeric_limits<double>::infinity());
  std::int64_t count_lo = 0, count_hi = total;
  const auto enough_to_enumerate = static_cast<std::int64_t>(4 * (xs.size() + ys.size()));
  for (bool arithmetic = true;; arithmetic = !arithmetic) {
    if (count_hi - count_lo <= enough_to_enumerate) {
      scratch.resize(static_cast<std::size_t>(count_hi - count_lo));
      double* const first = scratch.data();
      double* const last = collect_between(xs, ys, lo, hi, first);
      assert(last == first + scratch.size());
      double* const nth = first + (k - count_lo - 1);
      std::nth_element(first, nth, last);
      return *nth;
    }
    // Alternate the arithmetic midpoint (fast on everyday data) with the order-key midpoint
    // (bounded steps on data spanning many magnitudes).
    double mid = arithmetic ? lo + (hi - lo) / 2 : key_midpoint(lo, hi);
    if (!(mid > lo && mid < hi)) mid = key_midpoint(lo, hi);
    if (!(mid > lo && mid < hi)) return hi;  // adjacent doubles: every candidate equals hi
    const std::int64_t c = count_differences_at_most(xs, ys, mid);
    if (c >= k) {
      hi = mid;
      count_hi = c;
    } else {
      lo = mid;
      count_lo = c;
    }
  }
}

void sorted_differences(std::span<const double> xs, std::span<const double> ys,
                        std::vector<double>& out) {
  out.resize(xs.size() * ys.size());
  double* d = out.data();
  for (const double x : xs)
    for (const double y : ys) *d++ = x - y;
  std::sort(out.data(), d);
}

}  // namespace rollguard
