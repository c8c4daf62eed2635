#pragma once
// How the failures of one batch split between canary and baseline. Given n_c canary and n_b
// baseline requests with F failures in all, and every request failing independently, the
// canary's share X of the failures follows Fisher's noncentral hypergeometric distribution,
// whose only parameter is the odds ratio ω of canary to baseline failure (ω = 1: the central
// hypergeometric). Conditioning on F removes the unknown baseline rate, so a likelihood ratio
// in ω alone is exact whatever that rate is, and whatever it does from batch to batch.
//
// P_ω(X = x) = c_x ω^x / Σ_y c_y ω^y with c_x = C(n_c, x) C(n_b, F - x).
#include <cstdint>
#include <vector>

namespace rollguard {

class FailureSplit {
 public:
  FailureSplit() : FailureSplit(0, 0, 0) {}
  FailureSplit(std::int64_t canary_requests, std::int64_t baseline_requests, std::int64_t failures);
  // Another batch, reusing the memory of this one.
  void assign(std::int64_t canary_requests, std::int64_t baseline_requests, std::int64_t failures);

  std::int64_t lowest() const { return lowest_; }  // the support of X
  std::int64_t highest() const { return highest_; }

  // log E_1[ω^X], the cumulant function of the central distribution at log ω. With it,
  // log P_ω(x) = log P_1(x) + x log ω - log_moment(log ω).
  double log_moment(double log_omega) const;
  // The same with ω = exp(log_omega) already at hand (it saves an exponential per call).
  double log_moment(double log_omega, double omega) const;

  // log P_1(X = x), the central (ω = 1) probability; -inf outside the support.
  double log_central(std::int64_t x) const;

 private:
  std::int64_t n_c_ = 0, n_b_ = 0, failures_ = 0;
  std::int64_t lowest_ = 0, highest_ = 0;
  std::size_t steps_ = 0;            // highest - lowest
  bool direct_ = false;              // central_ holds P_1 and the moment is a polynomial
  std::vector<double> step_;         // log P_1(x + 1) - log P_1(x), x from lowest; falling in x
  std::vector<double> log_central_;  // log P_1(x), x from lowest
  std::vector<double> central_;      // P_1(x) for a short support
};

}  // namespace rollguard
