#pragma once
// Order statistics of the m·n pairwise differences x_i - y_j of two sorted samples without
// forming them: the Hodges-Lehmann estimate and its confidence interval are such order
// statistics, and 2 × 1,000 samples would be 10^6 differences. A selection narrows an
// interval of values around the wanted rank, counting the differences at or below a value in
// O(m + n) with two pointers; the next values are interpolated from the counts, with
// bisection rounds where that is slow. Once few differences remain it selects among them
// directly. Differences are the floating-point values x_i - y_j exactly as computed, so the
// result equals sorting all of them.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace rollguard {

// The number of i, j with x_i - y_j <= t. Both spans sorted ascending.
std::int64_t count_differences_at_most(std::span<const double> xs, std::span<const double> ys,
                                       double t);

// The k-th smallest (1-based, 1 <= k <= m·n) difference x_i - y_j. Both spans sorted ascending,
// finite and non-empty. `scratch` is reused between calls to avoid allocating.
double kth_difference(std::span<const double> xs, std::span<const double> ys, std::int64_t k,
                      std::vector<double>& scratch);

// The (k+1)-th smallest difference, given the k-th (1 <= k < m·n): the same value when it is
// tied beyond rank k, else the smallest difference above it. O(m + n): the Hodges-Lehmann
// estimate of an even number of differences needs both middle ones.
double next_difference(std::span<const double> xs, std::span<const double> ys, std::int64_t k,
                       double kth);

// The m·n differences as (value, how many pairs give it), ascending, when the samples have
// so few distinct values that there are at most `limit` such pairs of values (per-interval
// error rates are mostly equal: their differences take a handful of values however many
// pairs there are); empty otherwise. Values are x_i - y_j exactly as computed.
std::vector<std::pair<double, std::int64_t>> tied_differences(std::span<const double> xs,
                                                              std::span<const double> ys,
                                                              std::size_t limit);
// The k-th smallest (1-based) of such differences.
double kth_tied_difference(const std::vector<std::pair<double, std::int64_t>>& differences,
                           std::int64_t k);

// All m·n differences, sorted ascending, into `out`: for small samples, where one sort is
// cheaper than several selections.
void sorted_differences(std::span<const double> xs, std::span<const double> ys,
                        std::vector<double>& out);

}  // namespace rollguard
