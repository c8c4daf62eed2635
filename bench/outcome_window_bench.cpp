// The router's per-request cost of recording an outcome, alone and with several router
// threads, and the controller's cost of a one-minute window query.
#include <benchmark/benchmark.h>

#include "health/providers/builtin/outcome_window.hpp"

namespace rollguard {
namespace {

const TimePoint kT0 = TimePoint{} + 1000h;

OutcomeWindow& shared_window() {
  static OutcomeWindow window;
  return window;
}

void BM_Record(benchmark::State& state) {
  OutcomeWindow& w = shared_window();
  std::int64_t i = state.thread_index() * 7;
  for (auto _ : state) {
    // 5000 requests per virtual second: the ring keeps turning over as in production.
    const TimePoint at = kT0 + Duration{i / 5};
    w.record(
        {i % 2 ? Role::Canary : Role::Stable, at, i % 100 ? 200 : 503, Duration{i % 700}, false});
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record)->Threads(1)->Threads(4)->UseRealTime();

void BM_StatsOneMinute(benchmark::State& state) {
  OutcomeWindow w;
  for (int i = 0; i < 600'000; ++i)
    w.record({Role::Canary, kT0 + Duration{i / 5}, 200, Duration{i % 700}, false});
  const TimePoint end = kT0 + 120s;
  for (auto _ : state) {
    const WindowStats s = w.stats(Role::Canary, end, 1min);
    benchmark::DoNotOptimize(s.latency.quantile(0.99));
  }
}
BENCHMARK(BM_StatsOneMinute);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
