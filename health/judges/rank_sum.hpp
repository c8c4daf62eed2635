#pragma once
// The Wilcoxon-Mann-Whitney rank-sum test and the Hodges-Lehmann shift with its
// distribution-free confidence interval, on two sorted samples x (canary) and y (baseline).
// Large-sample forms throughout (normal approximation), which is what a judge over tens to
// thousands of samples needs; the sources are in docs/judges.md.
#include <cstdint>
#include <span>
#include <vector>

namespace rollguard {

struct RankSumTest {
  double u = 0;         // U of x: #(x_i > y_j) + #(x_i == y_j) / 2, from average ranks
  double rank_sum = 0;  // sum of the (average) ranks of x in the pooled sample
  double tie_term = 0;  // sum over tie groups of t^3 - t
  double sigma = 0;     // tie-corrected standard deviation of U under H0; 0: undefined
  double z = 0;         // (U - mn/2 -+ 1/2) / sigma, continuity-corrected towards 0
  double p_value = 1;   // two-sided
};

// Both spans sorted ascending and non-empty.
RankSumTest rank_sum_test(std::span<const double> xs, std::span<const double> ys);

struct ShiftInterval {
  double estimate = 0;    // Hodges-Lehmann: median of the m·n differences x_i - y_j
  double lower = 0;       // the C-th smallest difference
  double upper = 0;       // the C-th largest
  std::int64_t rank = 0;  // C; below 1 the samples are too small for the confidence
  bool defined() const { return rank >= 1; }
};

// The interval is [D_(C), D_(mn+1-C)] with C = round(mn/2 - z_{(1+confidence)/2} ·
// sqrt(mn(m+n+1)/12)), the order statistics that invert the U test at two-sided level
// 1 - confidence (without the tie correction, which only makes it wider under ties).
ShiftInterval hodges_lehmann(std::span<const double> xs, std::span<const double> ys,
                             double confidence, std::vector<double>& scratch);

}  // namespace rollguard
