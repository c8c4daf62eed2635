// The sequential judge's false-alarm rate over a whole rollout: A/A traffic (canary and stable
// fleet failing alike, 1% errors, the canary 10% of the requests) at 10, 100 and 1,000 rps,
// six hours of 100 ms batches, every batch looked at, 2,000 seeded runs per row
// (tests/support/sequential_aa.hpp draws them). The promise is rate <= 1 - confidence however
// long it runs and however often it looks; `upper95` is the exact (Clopper-Pearson) upper
// 95% limit of the rate.
#include <benchmark/benchmark.h>

#include <boost/math/distributions/beta.hpp>

#include "support/sequential_aa.hpp"

namespace rollguard {
namespace {

constexpr int kRuns = 2000;

double upper95(int alarms, int runs) {
  if (alarms >= runs) return 1;
  return boost::math::quantile(boost::math::beta_distribution<double>(alarms + 1, runs - alarms),
                               0.975);
}

// {rps, confidence x 1000, tolerated ratio x 10}
void BM_SequentialAaFalseAlarms(benchmark::State& state) {
  CompareSpec spec;
  spec.judge = JudgeKind::Sequential;
  spec.against = CompareAgainst::Stable;
  spec.confidence = static_cast<double>(state.range(1)) / 1000;
  spec.allowedIncrease = static_cast<double>(state.range(2)) / 10;
  testing::AaTraffic traffic;
  traffic.rps = static_cast<double>(state.range(0));
  testing::AaOutcome out;
  for (auto _ : state) out = testing::sequential_aa(spec, traffic, kRuns, 2026);
  state.counters["rps"] = traffic.rps;
  state.counters["confidence"] = spec.confidence;
  state.counters["tolerance"] = spec.allowedIncrease;
  state.counters["runs"] = out.runs;
  state.counters["alarms"] = out.alarms;
  state.counters["false_alarm_rate"] = out.rate();
  state.counters["upper95"] = upper95(out.alarms, out.runs);
  state.counters["bound"] = 1 - spec.confidence;
  state.counters["failure_batches"] = out.evidence_batches;
}
BENCHMARK(BM_SequentialAaFalseAlarms)
    ->ArgsProduct({{10, 100, 1000}, {900, 980}, {10}})
    ->Args({10, 980, 12})
    ->Args({100, 980, 12})
    ->Args({1000, 980, 12})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
