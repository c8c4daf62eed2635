#pragma once
// The `mannWhitney` judge, after Kayenta's MannWhitneyClassifier (NetflixACAJudge): a
// Mann-Whitney U test of canary against baseline samples (tie-corrected) deciding High / Low
// / Pass at `confidence`, gated by the mean-ratio effect size; the Hodges-Lehmann shift and
// its interval are reported beside it. Method, decision rule and sources: docs/judges.md.
#include <span>

#include "health/judges/judge_result.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

// Fewer samples on either side than this: Inconclusive, whatever they say.
inline constexpr std::size_t kMannWhitneyMinSamples = 3;

// High: the U test rejects at two-sided level 1 - confidence with the canary ranked higher,
//       and mean(canary) / mean(baseline) > allowedIncrease.
// Low:  it rejects with the canary ranked lower, and the ratio < allowedDecrease.
// Pass: otherwise, including a significant shift smaller than the tolerated effect, and
//       samples whose values are all equal (nothing moved; Kayenta does the same).
// Inconclusive: too few samples (per side, or for the interval at this confidence),
//       non-finite values, a negative mean (the mean ratio is then meaningless), or a
//       confidence outside (0, 1).
JudgeResult judge_mann_whitney(const CompareSpec& spec, std::span<const double> canary,
                               std::span<const double> baseline);

}  // namespace rollguard
