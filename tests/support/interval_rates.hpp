#pragma once
// Per-interval error rates, as the builtin provider's interval samples give them to the
// mannWhitney judge: each interval's failures out of a fixed number of requests. At low rates
// most intervals fail nothing, on both sides: samples heavy with tied zeros (issue 22).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "health/judges/mann_whitney.hpp"
#include "health/judges/rank_sum.hpp"

namespace rollguard::testing {

inline void interval_rates(std::mt19937_64& rng, int requests, double rate,
                           std::vector<double>& out) {
  std::binomial_distribution<int> failures(requests, rate);
  for (double& v : out) v = static_cast<double>(failures(rng)) / requests;
}

struct RateComparison {
  int requests = 25;   // per interval
  int intervals = 60;  // per side
  double canary_rate = 0.02, baseline_rate = 0.001;
};

// Over `runs` seeded runs: how often the judge says High, beside the plain one-sided U test
// at the same level (normal approximation with the tie correction, p < 1 - confidence, canary
// ranked higher) and the mean ratio alone (> allowedIncrease), on the same samples.
// `interval` is the rule the judge had before: the shift's interval above 0, and the ratio.
struct DetectionCounts {
  int runs = 0, judge_high = 0, u_test = 0, ratio = 0, u_and_ratio = 0, interval = 0;
  std::string first_reason;  // the judge's reason in the first run
};

inline DetectionCounts mann_whitney_detection(const CompareSpec& spec, const RateComparison& c,
                                              int runs, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> canary(static_cast<std::size_t>(c.intervals)),
      baseline(static_cast<std::size_t>(c.intervals));
  DetectionCounts counts;
  counts.runs = runs;
  for (int run = 0; run < runs; ++run) {
    interval_rates(rng, c.requests, c.canary_rate, canary);
    interval_rates(rng, c.requests, c.baseline_rate, baseline);
    const JudgeResult r = judge_mann_whitney(spec, canary, baseline);
    counts.judge_high += r.classification == JudgeClass::High;
    if (run == 0) counts.first_reason = r.reason;
    std::vector<double> xs = canary, ys = baseline;
    std::sort(xs.begin(), xs.end());
    std::sort(ys.begin(), ys.end());
    const RankSumTest u = rank_sum_test(xs, ys);
    const bool u_rejects = u.sigma > 0 && u.p_value < 1 - spec.confidence && u.z > 0;
    const bool ratio = r.ratio > spec.allowedIncrease;
    counts.u_test += u_rejects;
    counts.ratio += ratio;
    counts.u_and_ratio += u_rejects && ratio;
    counts.interval += r.lower > 0 && ratio;
  }
  return counts;
}

}  // namespace rollguard::testing
