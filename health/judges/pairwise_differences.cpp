#include "health/judges/pairwise_differences.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>

namespace rollguard {
namespace {

// Candidates below this many are enumerated and selected among directly.
constexpr std::int64_t kEnumerate = 2048;

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

// The largest difference x_i - y_j that is <= t (-inf when none); ys sorted ascending.
double largest_at_most(std::span<const double> xs, std::span<const double> ys, double t) {
  double best = -std::numeric_limits<double>::infinity();
  std::size_t j = 0;
  for (const double x : xs) {
    while (j < ys.size() && x - ys[j] > t) ++j;
    if (j < ys.size()) best = std::max(best, x - ys[j]);
  }
  return best;
}

// The smallest difference x_i - y_j that is > t (+inf when none).
double smallest_above(std::span<const double> xs, std::span<const double> ys, double t) {
  double best = std::numeric_limits<double>::infinity();
  std::size_t j = 0;
  for (const double x : xs) {
    while (j < ys.size() && x - ys[j] > t) ++j;
    if (j > 0) best = std::min(best, x - ys[j - 1]);
  }
  return best;
}

}  // namespace

std::int64_t count_differences_at_most(std::span<const double> xs, std::span<const double> ys,
                                       double t) {
  // For a fixed x_i the differences fall as j grows, so those <= t are a suffix of ys; its
  // start only moves right as x_i grows. One merged loop over both samples advances either j
  // or i per step without a data-dependent branch (this loop is the selection's whole cost,
  // and a mispredicted branch per step would double it).
  const std::size_t m = xs.size(), n = ys.size();
  const double* const x = xs.data();
  const double* const y = ys.data();
  std::size_t i = 0, j = 0;
  std::int64_t count = 0;
  while (i < m) {
    const bool skip = j < n && x[i] - y[j] > t;
    count += skip ? 0 : static_cast<std::int64_t>(n - j);
    j += skip;
    i += !skip;
  }
  return count;
}

double next_difference(std::span<const double> xs, std::span<const double> ys, std::int64_t k,
                       double kth) {
  return count_differences_at_most(xs, ys, kth) > k ? kth : smallest_above(xs, ys, kth);
}

std::vector<std::pair<double, std::int64_t>> tied_differences(std::span<const double> xs,
                                                              std::span<const double> ys,
                                                              std::size_t limit) {
  auto distinct = [](std::span<const double> s) {
    std::vector<std::pair<double, std::int64_t>> runs;
    for (const double v : s) {
      if (runs.empty() || runs.back().first != v) runs.emplace_back(v, 0);
      ++runs.back().second;
    }
    return runs;
  };
  std::vector<std::pair<double, std::int64_t>> out;
  const auto x = distinct(xs), y = distinct(ys);
  if (x.size() * y.size() > limit) return out;
  out.reserve(x.size() * y.size());
  for (const auto& [xv, xn] : x)
    for (const auto& [yv, yn] : y) out.emplace_back(xv - yv, xn * yn);
  std::sort(out.begin(), out.end());
  return out;
}

double kth_tied_difference(const std::vector<std::pair<double, std::int64_t>>& differences,
                           std::int64_t k) {
  assert(!differences.empty() && k >= 1);
  for (const auto& [value, pairs] : differences)
    if ((k -= pairs) <= 0) return value;
  return differences.back().first;
}

double kth_difference(std::span<const double> xs, std::span<const double> ys, std::int64_t k,
                      std::vector<double>& scratch) {
  assert(!xs.empty() && !ys.empty());
  const auto total = static_cast<std::int64_t>(xs.size() * ys.size());
  assert(k >= 1 && k <= total);
  // Invariant: the k-th difference lies in (lo, hi]; count_lo = count(<= lo) < k <= count_hi.
  double lo = std::nextafter(xs.front() - ys.back(), -std::numeric_limits<double>::infinity());
  double hi = xs.back() - ys.front();
  std::int64_t count_lo = 0, count_hi = total;
  bool interpolate = true;
  for (;;) {
    const std::int64_t candidates = count_hi - count_lo;
    if (candidates <= kEnumerate) {
      scratch.resize(static_cast<std::size_t>(candidates));
      double* const first = scratch.data();
      double* const last = collect_between(xs, ys, lo, hi, first);
      assert(last == first + scratch.size());
      double* const nth = first + (k - count_lo - 1);
      std::nth_element(first, nth, last);
      return *nth;
    }
    // Interpolation rounds guess where rank k sits from the counts at the ends and try values
    // a little below and above it (smooth data: the interval shrinks many-fold per round); a
    // round that fails to halve the candidates is followed by a bisection round, so data
    // that interpolates badly still converges.
    // Many equal differences (per-interval error rates that are mostly 0) keep the candidates
    // above kEnumerate however narrow the interval gets: after a round that did not halve
    // them, narrow the interval to the candidates' own extremes, and stop when they are equal.
    if (!interpolate) {
      const double top = largest_at_most(xs, ys, hi);
      const double bottom = smallest_above(xs, ys, lo);
      if (!(bottom < top)) return top;  // every candidate is the same difference
      hi = top;  // nothing lies in (top, hi] or (lo, bottom): the counts stay
      lo = std::nextafter(bottom, -std::numeric_limits<double>::infinity());
    }
    double probes[2];
    int probe_count = 0;
    if (interpolate) {
      const double margin = static_cast<double>(candidates) / 16;
      const double width = hi - lo;
      for (const double rank : {static_cast<double>(k - count_lo) - margin,
                                static_cast<double>(k - count_lo) + margin}) {
        const double t = lo + width * std::clamp(rank / static_cast<double>(candidates), 0.0, 1.0);
        if (std::isfinite(t) && t > lo && t < hi) probes[probe_count++] = t;
      }
    }
    if (probe_count == 0) {
      double mid = lo + (hi - lo) / 2;
      if (!(mid > lo && mid < hi)) mid = key_midpoint(lo, hi);
      if (!(mid > lo && mid < hi)) return hi;  // adjacent doubles: every candidate equals hi
      probes[probe_count++] = mid;
    }
    for (int p = 0; p < probe_count; ++p) {
      const double t = probes[p];
      if (!(t > lo && t < hi)) continue;
      const std::int64_t c = count_differences_at_most(xs, ys, t);
      if (c >= k) {
        hi = t;
        count_hi = c;
      } else {
        lo = t;
        count_lo = c;
      }
    }
    interpolate = !interpolate || 2 * (count_hi - count_lo) <= candidates;
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
