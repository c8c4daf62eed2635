#include "health/judges/failure_split.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace rollguard {
namespace {

// log C(n, k). Most batches have a failure or two: then a short product and one logarithm
// (exact to rounding) instead of three log-gammas.
double log_choose(double n, double k) {
  k = std::min(k, n - k);
  if (k == 0) return 0;
  if (k <= 16 && n < 1e12) {  // at most n^16 / 16!: far from overflow
    double product = 1;
    for (double i = 0; i < k; ++i) product *= (n - i) / (i + 1);
    return std::log(product);
  }
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

// Terms this far below the largest add less than 1e-17 of it; the sequence is log-concave, so
// once one is that small every one further out is smaller still.
constexpr double kNegligible = -40;

constexpr std::size_t kDirectSupport = 64;
constexpr double kDirectRange = 575;  // e^575 ~ 1e250: far from overflow and underflow

}  // namespace

FailureSplit::FailureSplit(std::int64_t canary_requests, std::int64_t baseline_requests,
                           std::int64_t failures) {
  assign(canary_requests, baseline_requests, failures);
}

void FailureSplit::assign(std::int64_t canary_requests, std::int64_t baseline_requests,
                          std::int64_t failures) {
  n_c_ = canary_requests;
  n_b_ = baseline_requests;
  failures_ = failures;
  assert(n_c_ >= 0 && n_b_ >= 0 && failures_ >= 0 && failures_ <= n_c_ + n_b_);
  lowest_ = std::max<std::int64_t>(0, failures_ - n_b_);
  highest_ = std::min(n_c_, failures_);
  const auto nc = static_cast<double>(n_c_), nb = static_cast<double>(n_b_);
  const auto f = static_cast<double>(failures_);
  const auto lo = static_cast<double>(lowest_);
  steps_ = static_cast<std::size_t>(highest_ - lowest_);
  // Filled through raw pointers: this runs once per batch, and debug builds pay per call.
  step_.resize(steps_);
  log_central_.resize(steps_ + 1);
  double* step = step_.data();
  double* log_central = log_central_.data();
  log_central[0] = log_choose(nc, lo) + log_choose(nb, f - lo) - log_choose(nc + nb, f);
  double smallest = log_central[0];
  for (std::size_t i = 0; i < steps_; ++i) {
    const double x = lo + static_cast<double>(i);
    step[i] = std::log((nc - x) * (f - x)) - std::log((x + 1) * (nb - f + x + 1));
    log_central[i + 1] = log_central[i] + step[i];
    smallest = std::min(smallest, log_central[i + 1]);
  }
  // Most batches have a handful of failures: then the moment is a short polynomial in ω,
  // evaluated without a logarithm or exponential per term (the judge asks for ~15 values of
  // ω per batch). Only where no term can underflow: every kept probability is above e^-575.
  direct_ = steps_ <= kDirectSupport && smallest > -kDirectRange;
  if (direct_) {
    central_.resize(steps_ + 1);
    for (std::size_t i = 0; i <= steps_; ++i) central_[i] = std::exp(log_central[i]);
  }
}

double FailureSplit::log_central(std::int64_t x) const {
  if (x < lowest_ || x > highest_) return -std::numeric_limits<double>::infinity();
  return log_central_[static_cast<std::size_t>(x - lowest_)];
}

double FailureSplit::log_moment(double log_omega) const {
  return log_moment(log_omega, std::exp(log_omega));
}

double FailureSplit::log_moment(double log_omega, double omega) const {
  if (steps_ == 0) return static_cast<double>(lowest_) * log_omega;
  if (direct_ && std::fabs(log_omega) * static_cast<double>(steps_) < kDirectRange) {
    double sum = 0;  // Horner: sum over k of P_1(lowest + k) ω^k
    const double* p = central_.data();
    for (std::size_t k = steps_ + 1; k-- > 0;) sum = sum * omega + p[k];
    return static_cast<double>(lowest_) * log_omega + std::log(sum);
  }
  // The mode of c_x ω^x: the first x whose step (falling in x) turns negative.
  const auto first_fall = std::partition_point(step_.begin(), step_.begin() + steps_,
                                               [&](double s) { return s + log_omega >= 0; });
  const auto mode = static_cast<std::size_t>(first_fall - step_.begin());
  // Sum exp(g(x) - g(mode)) outward from the mode, with g(x) = log P_1(x) + x log ω.
  double sum = 1;
  double g = 0;
  for (std::size_t i = mode; i < steps_; ++i) {  // upwards: g(i+1) - g(i) = step_i + lω
    g += step_[i] + log_omega;
    if (g < kNegligible) break;
    sum += std::exp(g);
  }
  g = 0;
  for (std::size_t i = mode; i-- > 0;) {  // downwards: g(i) - g(i+1) = -(step_i + lω)
    g -= step_[i] + log_omega;
    if (g < kNegligible) break;
    sum += std::exp(g);
  }
  const double g_mode = log_central_[mode] +
                        static_cast<double>(lowest_ + static_cast<std::int64_t>(mode)) * log_omega;
  return g_mode + std::log(sum);
}

}  // namespace rollguard
