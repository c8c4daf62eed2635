#pragma once
// The exact p-value of the Mann-Whitney U test given the ties of the pooled sample: under the
// null hypothesis every way of splitting the N pooled values into m canary and n baseline
// values is equally likely, and U's distribution over those splits is counted, tie groups
// and all. The normal approximation (rank_sum.hpp) is good for large samples with few ties,
// but where almost every value is tied (per-interval error rates that are mostly 0) U takes a
// handful of values and its tail is much heavier than the normal's: a few nonzero intervals,
// all the canary's, read p 0.015 where the truth is 0.03.
#include <cstddef>
#include <optional>
#include <span>

namespace rollguard {

// Splits of the pooled sample reachable while counting, at most: past this the distribution
// is left to the normal approximation (large samples, where it is accurate). Counting stays
// under ~1 ms.
inline constexpr std::size_t kExactRankSumStates = 8192;

// Two-sided: P(|U - mn/2| >= |u - mn/2|) over the splits, U = #(x > y) + #(x == y) / 2 as in
// rank_sum_test. Both spans sorted ascending and non-empty; nullopt when the count would need
// more than `max_states` (canary values so far, U so far) states.
std::optional<double> exact_rank_sum_p(std::span<const double> xs, std::span<const double> ys,
                                       std::size_t max_states = kExactRankSumStates);

}  // namespace rollguard
