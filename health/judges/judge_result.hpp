#pragma once
// What every baseline-comparison judge (ratio, mannWhitney, sequential) returns: a
// classification of the canary against the baseline, the numbers behind it and a one-line
// reason for the verdict's explanation (docs/judges.md).
//
// The classification describes the data, not the policy: High means the canary is higher by
// more than the tolerated effect, whichever direction the manifest calls bad. Whether it is
// bad is `bad` (filled in by the judge from CompareSpec::direction, the same rule as is_bad):
// callers decide on `bad` and Inconclusive, never on High/Low alone.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "manifests/rollout_spec.hpp"

namespace rollguard {

enum class JudgeClass { Pass, High, Low, Inconclusive };

std::string_view to_string(JudgeClass c);
std::string_view to_string(JudgeKind k);  // as spelled in the manifest: mannWhitney, ...
// What the canary is compared with, as spelled in the manifest: "stable" or "baseline".
std::string_view to_string(CompareAgainst a);

// increase: High is bad; decrease: Low is bad; either: both are. Pass and Inconclusive never.
bool is_bad(JudgeClass c, Direction d);

struct JudgeResult {
  JudgeClass classification = JudgeClass::Inconclusive;
  bool bad = false;       // is_bad(classification, spec.direction)
  double canary = NAN;    // the canary's value: the value, mean of samples, or rate
  double baseline = NAN;  // the same for the baseline
  double ratio = NAN;     // canary / baseline (+inf for a zero baseline and a positive canary)
  double estimate = NAN;  // mannWhitney: Hodges-Lehmann shift canary - baseline
  double lower = NAN;     // mannWhitney: confidence interval of the shift
  double upper = NAN;
  double statistic = NAN;  // mannWhitney: U of the canary; sequential: the likelihood ratio
  double p_value = NAN;    // mannWhitney: two-sided p-value of the U test
  std::int64_t canary_samples = 0;  // samples (mannWhitney) or requests (sequential)
  std::int64_t baseline_samples = 0;
  std::string reason;  // one line, e.g. "canary 0.214 vs baseline 0.002 (mannWhitney, ...)"
};

// Numbers in reasons: three significant digits, no exponent for everyday magnitudes.
std::string format_number(double v);
// A ratio for reasons: "107x", "1.2x", "inf".
std::string format_ratio(double r);
// "canary <c> vs <against> <b> (<judge>, <details>)", the shape every judge's reason has;
// <against> is what the template compares with (`compare.against`): stable or baseline.
std::string judge_reason(double canary, double compared, CompareAgainst against, JudgeKind judge,
                         std::string_view details);
// How the mean ratio sits against the tolerated effect: "ratio 107x > 1.2x",
// "ratio 0.5x < 0.8x", "ratio 1.05x within 0.8x..1.2x".
// Which side of the allowed ratios `ratio` is on, a bound counting as allowed (with rounding).
JudgeClass ratio_class(double ratio, const CompareSpec& spec);
std::string ratio_clause(double ratio, const CompareSpec& spec);

}  // namespace rollguard
