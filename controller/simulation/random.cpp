#include "controller/simulation/random.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace rollguard::sim {
namespace {

constexpr int kTable = 256;

std::array<double, kTable> make_log_factorials() {
  std::array<double, kTable> t{};
  for (int k = 1; k < kTable; ++k) t[k] = t[k - 1] + std::log(static_cast<double>(k));
  return t;
}

}  // namespace

double log_factorial(std::int64_t k) {
  static const std::array<double, kTable> table = make_log_factorials();
  if (k < kTable) return table[static_cast<std::size_t>(k)];
  const double x = static_cast<double>(k) + 1;  // log Γ(x), Stirling with three terms
  const double inv = 1 / x, inv2 = inv * inv;
  return (x - 0.5) * std::log(x) - x + 0.91893853320467274178 +
         inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
}

std::uint64_t Random::derive(std::uint64_t seed, std::uint64_t purpose) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (purpose + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The state from SplitMix64 of the seed, as xoshiro's authors advise: never all zero.
Random::Random(std::uint64_t seed) {
  for (std::size_t i = 0; i < state_.size(); ++i) state_[i] = derive(seed, i);
}

double Random::normal() {
  for (;;) {
    const double u = 2 * uniform() - 1, v = 2 * uniform() - 1;
    const double s = u * u + v * v;
    if (s < 1 && s > 0) return u * std::sqrt(-2 * std::log(s) / s);
  }
}

double Random::exponential() {
  return -std::log(uniform());
}

std::int64_t Random::poisson(double mean) {
  if (!(mean > 0)) return 0;
  if (mean < 10) return poisson_small(mean);
  if (const PoissonTable* table = poisson_table(mean)) return table->draw(uniform());
  return poisson_ptrs(mean);
}

PoissonTable::PoissonTable(double mean) : mean_(mean) {
  double p = std::exp(-mean), cumulative = p;
  cdf_.push_back(cumulative);
  for (std::int64_t k = 1; (k <= mean || cumulative < 1 - 1e-15) && p > 0; ++k) {
    p *= mean / static_cast<double>(k);
    cumulative += p;
    cdf_.push_back(cumulative);
  }
  guide_.resize(cdf_.size());
  std::uint32_t k = 0;
  for (std::size_t i = 0; i < guide_.size(); ++i) {
    const double at = static_cast<double>(i) / static_cast<double>(guide_.size());
    while (k + 1 < cdf_.size() && cdf_[k] < at) ++k;
    guide_[i] = k;
  }
}

std::int64_t PoissonTable::draw(double u) const {
  if (u <= cdf_.back()) {
    auto k = guide_[static_cast<std::size_t>(u * static_cast<double>(guide_.size()))];
    while (cdf_[k] < u) ++k;
    return k;
  }
  auto k = static_cast<std::int64_t>(cdf_.size()) - 1;
  double p = cdf_[cdf_.size() - 1] - cdf_[cdf_.size() - 2], cumulative = cdf_.back();
  while (cumulative < u && p > 0) {
    ++k;
    p *= mean_ / static_cast<double>(k);
    cumulative += p;
  }
  return k;
}

// Tabulated the second time in a row a mean is asked: a one-off mean (a bucket cut short by
// a change of split) would cost more to tabulate than to draw by PTRS.
const PoissonTable* Random::poisson_table(double mean) {
  if (mean > 600) return nullptr;
  for (const auto& t : tables_)
    if (t && t->mean() == mean) return &*t;
  if (mean != untabulated_mean_) {
    untabulated_mean_ = mean;
    return nullptr;
  }
  auto& slot = tables_[tables_next_];
  tables_next_ = (tables_next_ + 1) % tables_.size();
  return &slot.emplace(mean);
}

// Inversion by sequential search: about `mean` multiplications, one uniform.
std::int64_t Random::poisson_small(double mean) {
  double p = std::exp(-mean), cumulative = p;
  const double u = uniform();
  std::int64_t k = 0;
  while (u > cumulative && k < 1000) {
    ++k;
    p *= mean / static_cast<double>(k);
    cumulative += p;
  }
  return k;
}

// Hörmann (1993), "The transformed rejection method for generating Poisson random
// variables", algorithm PTRS.
std::int64_t Random::poisson_ptrs(double mean) {
  PtrsSetup& p = ptrs_;
  if (p.mean != mean) {
    p.mean = mean;
    p.slam = std::sqrt(mean);
    p.loglam = std::log(mean);
    p.b = 0.931 + 2.53 * p.slam;
    p.a = -0.059 + 0.02483 * p.b;
    p.log_invalpha = std::log(1.1239 + 1.1328 / (p.b - 3.4));
    p.vr = 0.9277 - 3.6224 / (p.b - 2);
  }
  for (;;) {
    const double u = uniform() - 0.5, v = uniform();
    const double us = 0.5 - std::fabs(u);
    const auto k = static_cast<std::int64_t>(std::floor((2 * p.a / us + p.b) * u + mean + 0.43));
    if (us >= 0.07 && v <= p.vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + p.log_invalpha - std::log(p.a / (us * us) + p.b) <=
        -mean + static_cast<double>(k) * p.loglam - log_factorial(k))
      return k;
  }
}

std::int64_t Random::binomial(std::int64_t n, double p) {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p);
  return static_cast<double>(n) * p < 10 ? binomial_inversion(n, p) : binomial_btrs(n, p);
}

// Inversion by sequential search from 0, for n·p < 10.
std::int64_t Random::binomial_inversion(std::int64_t n, double p) {
  const double q = 1 - p, ratio = p / q;
  double prob = std::exp(static_cast<double>(n) * std::log1p(-p)), cumulative = prob;
  const double u = uniform();
  std::int64_t k = 0;
  while (u > cumulative && k < n) {
    prob *= ratio * static_cast<double>(n - k) / static_cast<double>(k + 1);
    ++k;
    cumulative += prob;
    if (prob < 1e-300 && cumulative < u) break;  // rounding left u unreachable
  }
  return k;
}

// Hörmann (1993), "The generation of binomial random variates", algorithm BTRS; p <= 0.5.
std::int64_t Random::binomial_btrs(std::int64_t n, double p) {
  const double nd = static_cast<double>(n), q = 1 - p;
  const double spq = std::sqrt(nd * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double vr = 0.92 - 4.2 / b;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double lpq = std::log(p / q);
  const auto m = static_cast<std::int64_t>(std::floor((nd + 1) * p));
  const double h = log_factorial(m) + log_factorial(n - m);
  for (;;) {
    const double u = uniform() - 0.5;
    double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const auto k = static_cast<std::int64_t>(std::floor((2 * a / us + b) * u + c));
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = std::log(v * alpha / (a / (us * us) + b));
    if (v <= h - log_factorial(k) - log_factorial(n - k) + static_cast<double>(k - m) * lpq)
      return k;
  }
}

double Random::gamma(double shape) {
  if (shape < 1) return gamma(shape + 1) * std::pow(uniform(), 1 / shape);
  const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}

double Random::beta(double a, double b) {
  const double x = gamma(a), y = gamma(b);
  return x / (x + y);
}

}  // namespace rollguard::sim
