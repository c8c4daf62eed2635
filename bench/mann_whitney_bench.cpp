// The mannWhitney judge on two samples of latency-like values (log-normal, the canary 10%
// slower): the whole judgement, U test, Hodges-Lehmann shift and its interval. Target: under
// 1 ms for 2 x 1,000 samples.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "health/judges/mann_whitney.hpp"

namespace rollguard {
namespace {

void BM_MannWhitney(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(3.7, 0.5);
  std::vector<double> canary(n), baseline(n);
  for (auto& v : canary) v = 1.1 * latency(rng);
  for (auto& v : baseline) v = latency(rng);
  const CompareSpec spec;
  JudgeResult r;
  for (auto _ : state) {
    r = judge_mann_whitney(spec, canary, baseline);
    benchmark::DoNotOptimize(r);
  }
  state.counters["samples_per_side"] = static_cast<double>(n);
  state.counters["pairwise_differences"] = static_cast<double>(n * n);
  state.SetLabel(std::string(to_string(r.classification)));
}
BENCHMARK(BM_MannWhitney)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
