#include "health/judges/sequential_judge.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "health/judges/failure_split.hpp"

namespace rollguard {
namespace {

double log_sum_exp(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double hi = std::max(a, b);
  return hi + std::log1p(std::exp(std::min(a, b) - hi));
}

double rate(std::int64_t failures, std::int64_t requests) {
  return requests > 0 ? static_cast<double>(failures) / static_cast<double>(requests) : NAN;
}

}  // namespace

SequentialJudge::SequentialJudge(const CompareSpec& spec) : spec_(spec) {
  if (!(spec.confidence > 0 && spec.confidence < 1)) {
    invalid_ = "confidence " + format_number(spec.confidence) + " is outside (0, 1)";
    return;
  }
  const bool up = spec.direction != Direction::Decrease;
  const bool down = spec.direction != Direction::Increase;
  if ((up && !(spec.allowedIncrease > 0 && std::isfinite(spec.allowedIncrease))) ||
      (down && !(spec.allowedDecrease > 0 && std::isfinite(spec.allowedDecrease)))) {
    invalid_ = "a tolerated ratio is not a positive number";
    return;
  }
  log_threshold_ = -std::log1p(-spec.confidence);
  // Either direction: half the prior weight on each side, which keeps the whole mixture a
  // supermartingale under every rate between the two tolerances.
  const double sides = (up && down) ? 2.0 : 1.0;
  const double log_weight = -std::log(sides * static_cast<double>(kSequentialExcess.size()));
  // One side after the other, so that the null's moment is computed once per side.
  for (const double excess : kSequentialExcess) {
    if (!up) break;
    const double null = std::log(spec.allowedIncrease);
    alternatives_.push_back(
        {null + std::log(excess), spec.allowedIncrease * excess, null, log_weight, true});
  }
  for (const double excess : kSequentialExcess) {
    if (!down) break;
    const double null = std::log(spec.allowedDecrease);
    alternatives_.push_back(
        {null - std::log(excess), spec.allowedDecrease / excess, null, log_weight, false});
  }
  normalizers_.resize(kShapeSlots * alternatives_.size());
}

void SequentialJudge::observe(std::int64_t canary_requests, std::int64_t canary_failures,
                              std::int64_t baseline_requests, std::int64_t baseline_failures) {
  if (canary_requests < 0 || baseline_requests < 0 || canary_failures < 0 ||
      baseline_failures < 0 || canary_failures > canary_requests ||
      baseline_failures > baseline_requests) {
    ++rejected_batches_;
    return;
  }
  canary_requests_ += canary_requests;
  canary_failures_ += canary_failures;
  baseline_requests_ += baseline_requests;
  baseline_failures_ += baseline_failures;
  const std::int64_t failures = canary_failures + baseline_failures;
  // No failures, or one side without requests: the split is certain and carries no evidence.
  if (!invalid_.empty() || failures == 0 || canary_requests == 0 || baseline_requests == 0) return;

  const double* normalizers = normalizers_for(canary_requests, baseline_requests, failures);
  const auto x = static_cast<double>(canary_failures);
  double strongest = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < alternatives_.size(); ++k) {
    Alternative& a = alternatives_[k];
    // log P_ω(x) - log P_null(x); the central probability cancels.
    a.log_evidence += x * (a.log_odds_ratio - a.log_null) - normalizers[k];
    strongest = std::max(strongest, a.log_evidence);
  }
  // The mixture is a weighted mean, so it cannot cross before its strongest member does.
  if (crossed_ != JudgeClass::Pass || strongest < log_threshold_) return;
  const double up = log_mixture(true), down = log_mixture(false);
  if (log_sum_exp(up, down) < log_threshold_) return;
  // The side holding more of the evidence names the direction; with half the weight on each
  // side, that side alone has crossed 1 / alpha, so a wrong name is as rare as a false alarm.
  crossed_ = up >= down ? JudgeClass::High : JudgeClass::Low;
  crossed_at_canary_requests_ = canary_requests_;
}

const double* SequentialJudge::normalizers_for(std::int64_t canary_requests,
                                               std::int64_t baseline_requests,
                                               std::int64_t failures) {
  const auto slot = static_cast<std::size_t>((static_cast<std::uint64_t>(canary_requests) * 31 +
                                              static_cast<std::uint64_t>(baseline_requests) * 7 +
                                              static_cast<std::uint64_t>(failures)) %
                                             kShapeSlots);
  double* normalizers = normalizers_.data() + slot * alternatives_.size();
  Shape& shape = shapes_[slot];
  if (shape.canary_requests == canary_requests && shape.baseline_requests == baseline_requests &&
      shape.failures == failures)
    return normalizers;
  shape = {canary_requests, baseline_requests, failures};
  if (failures == 1) {
    // The commonest evidence: X is 1 with p = n_c / (n_c + n_b), so E_1[ω^X] = 1 + p (ω - 1).
    const double p = static_cast<double>(canary_requests) /
                     static_cast<double>(canary_requests + baseline_requests);
    double null = NAN, null_moment = 0;
    for (std::size_t k = 0; k < alternatives_.size(); ++k) {
      const Alternative& a = alternatives_[k];
      if (a.log_null != null) {
        null = a.log_null;
        null_moment = std::log1p(p * (std::exp(a.log_null) - 1));
      }
      normalizers[k] = std::log1p(p * (a.odds_ratio - 1)) - null_moment;
    }
    return normalizers;
  }
  split_.assign(canary_requests, baseline_requests, failures);
  double null = NAN, null_moment = 0;
  for (std::size_t k = 0; k < alternatives_.size(); ++k) {
    const Alternative& a = alternatives_[k];
    if (a.log_null != null) {
      null = a.log_null;
      null_moment = split_.log_moment(a.log_null);
    }
    normalizers[k] = split_.log_moment(a.log_odds_ratio, a.odds_ratio) - null_moment;
  }
  return normalizers;
}

double SequentialJudge::log_mixture(bool increase_side) const {
  double top = -std::numeric_limits<double>::infinity();
  for (const Alternative& a : alternatives_)
    if (a.increase == increase_side) top = std::max(top, a.log_weight + a.log_evidence);
  if (top == -std::numeric_limits<double>::infinity()) return top;
  double sum = 0;
  for (const Alternative& a : alternatives_)
    if (a.increase == increase_side) sum += std::exp(a.log_weight + a.log_evidence - top);
  return top + std::log(sum);
}

double SequentialJudge::likelihood_ratio() const {
  if (alternatives_.empty()) return 1;
  return std::exp(log_sum_exp(log_mixture(true), log_mixture(false)));
}

JudgeResult SequentialJudge::decide() const {
  JudgeResult r;
  r.canary = rate(canary_failures_, canary_requests_);
  r.baseline = rate(baseline_failures_, baseline_requests_);
  if (canary_failures_ == 0 && baseline_failures_ == 0)
    r.ratio = 1;
  else if (baseline_failures_ == 0)
    r.ratio = std::numeric_limits<double>::infinity();
  else
    r.ratio = r.canary / r.baseline;
  r.statistic = likelihood_ratio();
  r.canary_samples = canary_requests_;
  r.baseline_samples = baseline_requests_;

  std::string details;
  if (!invalid_.empty()) {
    r.classification = JudgeClass::Inconclusive;
    details = invalid_;
  } else {
    const std::string ratio = "likelihood ratio " + format_number(r.statistic);
    const std::string threshold = format_number(std::exp(log_threshold_));
    std::string verdict;
    if (crossed_ != JudgeClass::Pass) {
      r.classification = crossed_;
      verdict = ratio + ", crossed " + threshold + " after " +
                std::to_string(crossed_at_canary_requests_) + " canary requests";
    } else if (canary_requests_ == 0 || baseline_requests_ == 0) {
      r.classification = JudgeClass::Inconclusive;
      verdict = "no requests to the " +
                std::string(canary_requests_ == 0 ? "canary" : to_string(spec_.against));
    } else {
      r.classification = JudgeClass::Pass;
      verdict = ratio + " < " + threshold;
    }
    std::string tolerated;
    if (spec_.direction != Direction::Increase) tolerated += format_ratio(spec_.allowedDecrease);
    if (spec_.direction == Direction::Either) tolerated += "..";
    if (spec_.direction != Direction::Decrease) tolerated += format_ratio(spec_.allowedIncrease);
    details = "rate ratio " + format_ratio(r.ratio) + ", " + verdict + ", " +
              std::to_string(canary_requests_) + " vs " + std::to_string(baseline_requests_) +
              " requests, tolerated " + tolerated + ", confidence " +
              format_number(spec_.confidence);
  }
  if (rejected_batches_ > 0)
    details += ", " + std::to_string(rejected_batches_) + " invalid batches ignored";
  r.bad = is_bad(r.classification, spec_.direction);
  r.reason = judge_reason(r.canary, r.baseline, spec_.against, JudgeKind::Sequential, details);
  return r;
}

}  // namespace rollguard
