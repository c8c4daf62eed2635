#include "health/judges/ratio_judge.hpp"

#include <cmath>
#include <limits>

namespace rollguard {

JudgeResult judge_ratio(const CompareSpec& spec, double canary, double baseline) {
  JudgeResult r;
  r.canary = canary;
  r.baseline = baseline;
  const auto inconclusive = [&](std::string_view why) {
    r.classification = JudgeClass::Inconclusive;
    r.reason = judge_reason(canary, baseline, spec.against, JudgeKind::Ratio, why);
    return r;
  };
  if (!std::isfinite(canary) || !std::isfinite(baseline))
    return inconclusive("a value is not a finite number");
  if (canary < 0 || baseline < 0) return inconclusive("ratio undefined for negative values");

  if (baseline == 0)
    r.ratio = canary == 0 ? 1.0 : std::numeric_limits<double>::infinity();
  else
    r.ratio = canary / baseline;

  r.classification = ratio_class(r.ratio, spec);
  r.bad = is_bad(r.classification, spec.direction);
  std::string details = ratio_clause(r.ratio, spec);
  if (baseline == 0)
    details +=
        canary == 0 ? std::string(", both zero") : ", zero " + std::string(to_string(spec.against));
  r.reason = judge_reason(canary, baseline, spec.against, JudgeKind::Ratio, details);
  return r;
}

}  // namespace rollguard
