#include "health/judges/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

#include "health/judges/exact_rank_sum.hpp"
#include "health/judges/rank_sum.hpp"

namespace rollguard {
namespace {

double mean(std::span<const double> v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// The effect size of Kayenta's judge: the ratio of means. Zero over zero is "no change".
double mean_ratio(double canary, double baseline) {
  if (baseline != 0) return canary / baseline;
  return canary == 0 ? 1.0 : std::numeric_limits<double>::infinity();
}

bool all_finite(std::span<const double> v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

std::string signed_number(double v) {
  return (v > 0 ? "+" : "") + format_number(v);
}

}  // namespace

JudgeResult judge_mann_whitney(const CompareSpec& spec, std::span<const double> canary,
                               std::span<const double> baseline) {
  JudgeResult r;
  r.canary_samples = static_cast<std::int64_t>(canary.size());
  r.baseline_samples = static_cast<std::int64_t>(baseline.size());
  const auto finish = [&](JudgeClass c, const std::string& details) {
    r.classification = c;
    r.bad = is_bad(c, spec.direction);
    r.reason = judge_reason(r.canary, r.baseline, spec.against, JudgeKind::MannWhitney, details);
    return r;
  };
  const std::string confidence = "confidence " + format_number(spec.confidence);
  const std::string other = ", " + std::string(to_string(spec.against)) + " ";
  if (canary.size() < kMannWhitneyMinSamples || baseline.size() < kMannWhitneyMinSamples)
    return finish(JudgeClass::Inconclusive,
                  "too few samples: canary " + std::to_string(canary.size()) + other +
                      std::to_string(baseline.size()) + ", need " +
                      std::to_string(kMannWhitneyMinSamples) + " per side");
  if (!all_finite(canary) || !all_finite(baseline))
    return finish(JudgeClass::Inconclusive, "a sample is not a finite number");
  if (!(spec.confidence > 0 && spec.confidence < 1))
    return finish(JudgeClass::Inconclusive, confidence + " is outside (0, 1)");

  r.canary = mean(canary);
  r.baseline = mean(baseline);
  if (r.canary < 0 || r.baseline < 0)
    return finish(JudgeClass::Inconclusive, "mean ratio undefined for a negative mean");
  r.ratio = mean_ratio(r.canary, r.baseline);

  std::vector<double> xs(canary.begin(), canary.end()), ys(baseline.begin(), baseline.end());
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  if (xs.front() == xs.back() && ys.front() == ys.back() && xs.front() == ys.front())
    return finish(JudgeClass::Pass, "all " + std::to_string(xs.size() + ys.size()) +
                                        " samples equal " + format_number(xs.front()));

  const RankSumTest test = rank_sum_test(xs, ys);
  // Exact where ties make U too coarse for the normal approximation and counting is cheap.
  const std::optional<double> exact = exact_rank_sum_p(xs, ys);
  const double p_value = exact.value_or(test.p_value);
  r.statistic = test.u;
  r.p_value = p_value;
  std::vector<double> scratch;
  const ShiftInterval shift = hodges_lehmann(xs, ys, spec.confidence, scratch);
  r.estimate = shift.estimate;
  if (!shift.defined())
    return finish(JudgeClass::Inconclusive, "too few samples for " + confidence + ": canary " +
                                                std::to_string(xs.size()) + other +
                                                std::to_string(ys.size()));
  r.lower = shift.lower;
  r.upper = shift.upper;

  // The U test decides, at two-sided level 1 - confidence, its side named by the sign of
  // U - mn/2; the shift's interval is reported beside it. The interval inverts the same test
  // without the tie correction, and with tied, zero-heavy samples (per-interval error rates:
  // most intervals fail nothing on either side) its lower end stays at 0 until the canary
  // fails in more than half of its intervals, while the tie-corrected test already sees the
  // ordering (docs/judges.md, "Why the test and not the interval").
  const double alpha = 1 - spec.confidence;
  const bool significant = p_value < alpha;
  const bool above = significant && test.z > 0, below = significant && test.z < 0;
  const std::string shift_text = "shift " + signed_number(shift.estimate) + " in [" +
                                 format_number(shift.lower) + ", " + format_number(shift.upper) +
                                 "]";
  const std::string p_text =
      std::string(exact ? "exact p " : "p ") + format_number(p_value) +
      (significant ? " < " + format_number(alpha) : std::string(" (not significant)"));
  const std::string details =
      ratio_clause(r.ratio, spec) + ", " + p_text + ", " + shift_text + ", " + confidence;
  const JudgeClass side = ratio_class(r.ratio, spec);
  if (above) return finish(side == JudgeClass::High ? side : JudgeClass::Pass, details);
  if (below) return finish(side == JudgeClass::Low ? side : JudgeClass::Pass, details);
  return finish(JudgeClass::Pass, details);
}

}  // namespace rollguard
