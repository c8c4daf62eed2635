// The mannWhitney judge on per-interval error rates (25 requests per interval, most intervals
// failing nothing): how often it says High, beside the plain one-sided U test at the same
// level and the mean ratio alone, on the same seeded runs (tests/support/interval_rates.hpp);
// `interval` is the rule it had before issue 22 (the Hodges-Lehmann interval above 0, and the
// ratio). Default spec: increase, 1.2x tolerated, confidence 0.98. 1,000 runs per row.
#include <benchmark/benchmark.h>

#include "support/interval_rates.hpp"

namespace rollguard {
namespace {

constexpr int kRuns = 1000;

// {intervals per side, canary rate in 0.01%, baseline rate in 0.01%}
void BM_MannWhitneyRateDetection(benchmark::State& state) {
  const CompareSpec spec;
  testing::RateComparison c;
  c.intervals = static_cast<int>(state.range(0));
  c.canary_rate = static_cast<double>(state.range(1)) / 10000;
  c.baseline_rate = static_cast<double>(state.range(2)) / 10000;
  testing::DetectionCounts n;
  for (auto _ : state) n = testing::mann_whitney_detection(spec, c, kRuns, 22);
  const auto share = [&](int count) { return static_cast<double>(count) / n.runs; };
  state.counters["intervals"] = c.intervals;
  state.counters["canary_pct"] = c.canary_rate * 100;
  state.counters["baseline_pct"] = c.baseline_rate * 100;
  state.counters["judge"] = share(n.judge_high);
  state.counters["u_test"] = share(n.u_test);
  state.counters["ratio"] = share(n.ratio);
  state.counters["u_and_ratio"] = share(n.u_and_ratio);
  state.counters["interval"] = share(n.interval);
}
BENCHMARK(BM_MannWhitneyRateDetection)
    ->ArgsProduct({{20, 60, 300}, {10, 50, 100, 200, 500}, {10}})
    ->Args({60, 100, 100})
    ->Args({300, 200, 200})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
