#pragma once
// The `sequential` judge: continuous verification of a rate (errors, probe failures) of the
// canary against the baseline, over request outcomes as they arrive, with a false-alarm
// probability below 1 - confidence however often it is looked at.
//
// Method (docs/judges.md): per batch, the canary's share of the batch's failures given their
// total is Fisher's noncentral hypergeometric in the odds ratio ω (FailureSplit). The null
// hypothesis is "the canary's failure odds are at most allowedIncrease times the baseline's"
// (direction increase; mirrored with allowedDecrease for decrease). The evidence is a mixture,
// over a grid of alternatives ω, of the products of per-batch likelihood ratios against the
// null's boundary: a nonnegative supermartingale under every null rate, so by Ville's
// inequality it reaches 1 / (1 - confidence) with probability at most 1 - confidence, ever.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "health/judges/failure_split.hpp"
#include "health/judges/judge_result.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

// The alternatives, as multiples of the null's boundary odds ratio, with equal prior weight.
// Dense where effects are small (a 1.1x excess needs thousands of failures to show, and the
// closest alternative decides how fast), sparse where they are large (the canary's share of
// the failures is then near 1 for all of them, so their evidence hardly differs). Each point
// costs log(14) of evidence in the mixture, small next to log(1 / alpha) for big effects.
inline constexpr std::array kSequentialExcess{1.1,  1.25, 1.5,  2.0,   3.0,   5.0,    8.0,
                                              13.0, 25.0, 50.0, 100.0, 250.0, 1000.0, 4000.0};

class SequentialJudge {
 public:
  explicit SequentialJudge(const CompareSpec& spec);

  // One batch of outcomes (e.g. one time bucket). Batches are independent pieces of evidence,
  // so a rate that moves over time for both sides alike cannot fake a difference. Counts must
  // be 0 <= failures <= requests; a batch that breaks that is ignored and named by decide().
  void observe(std::int64_t canary_requests, std::int64_t canary_failures,
               std::int64_t baseline_requests, std::int64_t baseline_failures);

  // High (Low) as soon as the evidence for a bad increase (decrease) crosses 1 / (1 -
  // confidence), and from then on; Pass while it has not and both sides have seen requests;
  // Inconclusive before that, or for a spec it cannot test (confidence outside (0, 1), a
  // tolerance <= 0). Only the bad direction(s) are tested: with direction increase it never
  // says Low.
  JudgeResult decide() const;

  // Whether the evidence has crossed in a bad direction: decide() then says High or Low.
  // Cheap, for callers that look after every batch (decide() also writes its reason).
  bool crossed() const { return invalid_.empty() && crossed_ != JudgeClass::Pass; }

  // The mixture likelihood ratio (e-value) so far; 1 before any evidence.
  double likelihood_ratio() const;

 private:
  struct Alternative {
    double log_odds_ratio;  // log ω of the alternative
    double odds_ratio;      // ω
    double log_null;        // log of the null's boundary it is tested against
    double log_weight;      // log prior weight in the mixture
    bool increase;
    double log_evidence = 0;  // sum over batches of log LR(ω vs boundary)
  };
  double log_mixture(bool increase_side) const;  // log of the weighted sum of one side
  // Per alternative k: log E_null[...] normalizer of the batch's likelihood ratio,
  // log_moment(ω_k) - log_moment(null_k). It depends on the batch's shape only (requests per
  // side, failures), and at steady traffic the same shapes recur: a small cache keeps them.
  const double* normalizers_for(std::int64_t canary_requests, std::int64_t baseline_requests,
                                std::int64_t failures);

  struct Shape {
    std::int64_t canary_requests = -1, baseline_requests = -1, failures = -1;
  };
  static constexpr std::size_t kShapeSlots = 16;

  CompareSpec spec_;
  std::string invalid_;  // non-empty: the spec cannot be tested, and why
  std::vector<Alternative> alternatives_;
  FailureSplit split_;  // the latest new shape's; kept to reuse its memory
  std::array<Shape, kShapeSlots> shapes_;
  std::vector<double> normalizers_;  // kShapeSlots rows of alternatives_.size()
  double log_threshold_ = 0;         // log(1 / (1 - confidence))
  std::int64_t canary_requests_ = 0, canary_failures_ = 0;
  std::int64_t baseline_requests_ = 0, baseline_failures_ = 0;
  std::int64_t rejected_batches_ = 0;
  JudgeClass crossed_ = JudgeClass::Pass;  // High or Low once crossed, for good
  std::int64_t crossed_at_canary_requests_ = 0;
};

}  // namespace rollguard
