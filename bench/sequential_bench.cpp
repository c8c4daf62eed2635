// How many canary requests the sequential judge needs to flag a canary failing 20% of its
// requests against a baseline failing 0.1%, at confidence 0.99, beside the two references:
//   fixed_n     the fixed number of canary requests (per side) that a one-shot test needs for
//               the same power, 95% (the p95 of the sequential judge is its 95%-power point);
//               exact search with the conditional (Fisher) test of the same null hypothesis,
//               and the textbook normal-approximation formula for equal rates;
//   info_min    log(1/alpha) / KL, the expected requests no test can beat (Wald): KL per canary
//               request between the true rates and the closest rates of the null hypothesis,
//               both sides' requests counted; info_known the same if the baseline's rate were
//               known exactly.
// Traffic: 10% canary and 10% baseline weight at 500 rps; batches of 1 request, 100 ms (5
// requests per side) and 1 s (50). Each figure is over 2,000 seeded runs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "health/judges/failure_split.hpp"
#include "health/judges/sequential_judge.hpp"

namespace rollguard {
namespace {

constexpr double kCanaryRate = 0.2, kBaselineRate = 0.001, kConfidence = 0.99, kPower = 0.95;
constexpr int kRuns = 2000;

double kl(double p, double q) {  // Bernoulli KL divergence, nats
  const auto term = [](double a, double b) { return a == 0 ? 0.0 : a * std::log(a / b); };
  return term(p, q) + term(1 - p, 1 - q);
}

double with_odds_ratio(double p, double ratio) {
  const double odds = ratio * p / (1 - p);
  return odds / (1 + odds);
}

// inf over the null's boundary (canary odds = tolerance x baseline odds) of the KL per canary
// request, with one baseline request per canary request. Convex in the baseline's log-odds:
// golden-section search.
double kl_to_null(double tolerance) {
  const auto f = [&](double log_odds) {
    const double pb = 1 / (1 + std::exp(-log_odds));
    return kl(kCanaryRate, with_odds_ratio(pb, tolerance)) + kl(kBaselineRate, pb);
  };
  double a = -20, b = 5;
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 200; ++i) {
    const double c = b - g * (b - a), d = a + g * (b - a);
    (f(c) < f(d) ? b : a) = (f(c) < f(d) ? d : c);
  }
  return f((a + b) / 2);
}

double binomial_pmf(std::int64_t n, std::int64_t k, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                  k * std::log(p) + (n - k) * std::log1p(-p));
}

// Exact power of the one-sided conditional test of "odds ratio <= tolerance" at level alpha
// with n requests per side: P(canary failures >= x | total) under the null's boundary.
double fixed_power(std::int64_t n, double tolerance, double alpha) {
  const double log_tol = std::log(tolerance);
  double power = 0;
  for (std::int64_t xb = 0; xb <= n; ++xb) {
    const double pb = binomial_pmf(n, xb, kBaselineRate);
    if (pb < 1e-12 && xb > 0) break;
    for (std::int64_t xc = 0; xc <= n; ++xc) {
      const double pc = binomial_pmf(n, xc, kCanaryRate);
      if (pc < 1e-14) continue;
      const FailureSplit split(n, n, xc + xb);
      const double norm = split.log_moment(log_tol);
      double p_value = 0;
      for (std::int64_t x = xc; x <= split.highest(); ++x)
        p_value += std::exp(split.log_central(x) + x * log_tol - norm);
      if (p_value <= alpha) power += pb * pc;
    }
  }
  return power;
}

std::int64_t fixed_n_exact(double tolerance, double alpha) {
  for (std::int64_t n = 1; n < 5000; ++n)
    if (fixed_power(n, tolerance, alpha) >= kPower) return n;
  return -1;
}

double fixed_n_normal(double alpha) {  // two proportions, equal rates null, one-sided
  const boost::math::normal z;
  const double za = boost::math::quantile(z, 1 - alpha), zb = boost::math::quantile(z, kPower);
  const double p1 = kCanaryRate, p2 = kBaselineRate, mean = (p1 + p2) / 2;
  const double root =
      za * std::sqrt(2 * mean * (1 - mean)) + zb * std::sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return std::ceil(root * root / ((p1 - p2) * (p1 - p2)));
}

void BM_SequentialRequestsToFlag(benchmark::State& state) {
  const auto per_batch = state.range(0);
  const double tolerance = static_cast<double>(state.range(1)) / 10;
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  spec.confidence = kConfidence;
  spec.allowedIncrease = tolerance;
  std::vector<std::int64_t> needed;
  for (auto _ : state) {
    needed.clear();
    std::mt19937_64 rng(2024);
    std::binomial_distribution<std::int64_t> canary(per_batch, kCanaryRate),
        baseline(per_batch, kBaselineRate);
    for (int run = 0; run < kRuns; ++run) {
      SequentialJudge judge(spec);
      std::int64_t requests = 0;
      while (judge.decide().classification != JudgeClass::High) {
        judge.observe(per_batch, canary(rng), per_batch, baseline(rng));
        requests += per_batch;
      }
      needed.push_back(requests);
    }
  }
  std::sort(needed.begin(), needed.end());
  double mean = 0;
  for (auto n : needed) mean += static_cast<double>(n);
  mean /= static_cast<double>(needed.size());
  const double alpha = 1 - kConfidence;
  const auto p95 = static_cast<double>(needed[needed.size() * 95 / 100]);
  const auto fixed = static_cast<double>(fixed_n_exact(tolerance, alpha));
  const double info = std::log(1 / alpha) / kl_to_null(tolerance);
  const double info_known =
      std::log(1 / alpha) / kl(kCanaryRate, with_odds_ratio(kBaselineRate, tolerance));
  state.counters["median"] = static_cast<double>(needed[needed.size() / 2]);
  state.counters["mean"] = mean;
  state.counters["p95"] = p95;
  state.counters["fixed_n"] = fixed;
  if (tolerance == 1.0) state.counters["fixed_n_normal"] = fixed_n_normal(alpha);
  state.counters["info_min"] = info;
  state.counters["info_known"] = info_known;
  state.counters["p95_over_fixed"] = p95 / fixed;
  state.counters["mean_over_info"] = mean / info;
}
// {requests per side per batch, tolerated ratio x 10}
BENCHMARK(BM_SequentialRequestsToFlag)
    ->Args({1, 10})
    ->Args({5, 10})
    ->Args({50, 10})
    ->Args({5, 12})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// The cost of one batch, for the controller's budget (thousands of rollouts per process).
void BM_SequentialObserve(benchmark::State& state) {
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  spec.direction = Direction::Either;
  std::mt19937_64 rng(1);
  std::poisson_distribution<std::int64_t> requests(state.range(0));
  std::vector<std::array<std::int64_t, 4>> batches(4096);
  for (auto& b : batches) {
    b[0] = requests(rng) + 1;
    b[2] = requests(rng) + 1;
    b[1] = std::binomial_distribution<std::int64_t>(b[0], 0.01)(rng);
    b[3] = std::binomial_distribution<std::int64_t>(b[2], 0.01)(rng);
  }
  SequentialJudge judge(spec);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& b = batches[i++ % batches.size()];
    judge.observe(b[0], b[1], b[2], b[3]);
  }
  benchmark::DoNotOptimize(judge.likelihood_ratio());
}
BENCHMARK(BM_SequentialObserve)->Arg(50)->Arg(5000);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
