#pragma once
// The `ratio` judge: one value of the canary over the same value of the baseline, against the
// tolerated effect (allowedIncrease / allowedDecrease). No statistics: it is as good as the
// values given to it (use mannWhitney or sequential where noise matters).
#include "health/judges/judge_result.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

// High when canary / baseline > allowedIncrease, Low when < allowedDecrease, else Pass.
// A zero baseline: Pass when the canary is zero too (nothing changed), High (ratio +inf) when
// it is positive. NaN, infinite or negative values make the ratio meaningless: Inconclusive.
JudgeResult judge_ratio(const CompareSpec& spec, double canary, double baseline);

}  // namespace rollguard
