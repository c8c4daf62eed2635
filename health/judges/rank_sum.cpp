#include "health/judges/rank_sum.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>

#include "health/judges/pairwise_differences.hpp"

namespace rollguard {
namespace {

constexpr std::int64_t kSortAllDifferences = 1024;

}  // namespace

RankSumTest rank_sum_test(std::span<const double> xs, std::span<const double> ys) {
  const std::size_t m = xs.size(), n = ys.size(), total = m + n;
  RankSumTest t;
  // Merge the two sorted samples; each run of equal values gets the average of its ranks.
  std::size_t i = 0, j = 0, rank = 0;  // rank: values placed so far
  while (i < m || j < n) {
    const double v = (j == n || (i < m && xs[i] <= ys[j])) ? xs[i] : ys[j];
    std::size_t in_x = 0, in_y = 0;
    while (i < m && xs[i] == v) ++i, ++in_x;
    while (j < n && ys[j] == v) ++j, ++in_y;
    const double group = static_cast<double>(in_x + in_y);
    const double average_rank = static_cast<double>(rank) + (group + 1) / 2;
    t.rank_sum += average_rank * static_cast<double>(in_x);
    t.tie_term += group * group * group - group;
    rank += in_x + in_y;
  }
  const double dm = static_cast<double>(m), dn = static_cast<double>(n);
  const double dN = static_cast<double>(total);
  t.u = t.rank_sum - dm * (dm + 1) / 2;
  const double variance =
      dm * dn / 12 * ((dN + 1) - (total > 1 ? t.tie_term / (dN * (dN - 1)) : 0.0));
  t.sigma = variance > 0 ? std::sqrt(variance) : 0;
  if (t.sigma == 0) return t;  // every value equal: no ordering to test
  const double d = t.u - dm * dn / 2;
  const double correction = d > 0 ? 0.5 : (d < 0 ? -0.5 : 0.0);
  t.z = (d - correction) / t.sigma;
  t.p_value = std::min(1.0, boost::math::erfc(std::fabs(t.z) / std::sqrt(2.0)));
  return t;
}

ShiftInterval hodges_lehmann(std::span<const double> xs, std::span<const double> ys,
                             double confidence, std::vector<double>& scratch) {
  const std::size_t m = xs.size(), n = ys.size();
  const auto mn = static_cast<std::int64_t>(m * n);
  // Up to four order statistics: one sort of every difference is cheaper for small samples,
  // selection without forming them for large ones.
  // Few distinct values (per-interval error rates, mostly equal): their differences with
  // multiplicities, a short list however large m·n is.
  const auto tied = tied_differences(xs, ys, kSortAllDifferences);
  const bool sort_all = tied.empty() && mn <= kSortAllDifferences;
  if (sort_all) sorted_differences(xs, ys, scratch);
  const auto kth = [&](std::int64_t k) {
    if (!tied.empty()) return kth_tied_difference(tied, k);
    return sort_all ? scratch[static_cast<std::size_t>(k - 1)] : kth_difference(xs, ys, k, scratch);
  };
  ShiftInterval s;
  s.estimate = kth((mn + 1) / 2);
  if (mn % 2 == 0) {
    const double next =
        !tied.empty() || sort_all ? kth(mn / 2 + 1) : next_difference(xs, ys, mn / 2, s.estimate);
    s.estimate = (s.estimate + next) / 2;
  }

  const boost::math::normal standard;
  const double z = boost::math::quantile(standard, (1 + confidence) / 2);
  const double dm = static_cast<double>(m), dn = static_cast<double>(n);
  const double c = dm * dn / 2 - z * std::sqrt(dm * dn * (dm + dn + 1) / 12);
  s.rank = static_cast<std::int64_t>(std::llround(std::max(c, 0.0)));
  if (!s.defined()) return s;
  s.lower = kth(s.rank);
  s.upper = kth(mn + 1 - s.rank);
  return s;
}

}  // namespace rollguard
