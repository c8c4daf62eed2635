// `rollguard simulate` throughput: a 1-hour canary at 400 rps (steps at 5%, 25%, 50% of 20
// minutes each, a baseline beside the canary, step analyses every minute, a background
// sequential analysis, probes every 10 s), healthy and with an error spike, simulated end to
// end by the real controller. Targets: >= 1,000 runs/s per core; a 10,000-run Monte Carlo
// under 10 s on 2 threads (docs/benchmarks.md, "Simulation").
#include <benchmark/benchmark.h>

#include "controller/simulation/monte_carlo.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard::sim {
namespace {

constexpr const char* kScenario = R"(apiVersion: rollguard.dev/v1
kind: Scenario
metadata: {name: hour-canary}
spec:
  rollout:
    apiVersion: rollguard.dev/v1
    kind: Rollout
    metadata: {name: checkout}
    spec:
      stable: {version: "1.4.2"}
      canary: {version: "1.5.0"}
      target:
        process:
          command: ["rollguard-demo-app", "--port", "{{port}}", "--version", "{{version}}"]
          instances: 2
      traffic:
        builtin: {listen: "127.0.0.1:8080"}
      strategy:
        canary:
          baseline: true
          steps:
            - setWeight: 5
            - pause: {duration: 15m}
            - analysis: {templates: [errors, latency]}
            - setWeight: 25
            - pause: {duration: 15m}
            - analysis: {templates: [errors, latency]}
            - setWeight: 50
            - pause: {duration: 15m}
            - analysis: {templates: [errors, latency]}
            - setWeight: 100
      analysis:
        background: {templates: [errors-sequential]}
        templates:
          - name: errors
            interval: 1m
            count: 5
            minSamples: 50
            metric: {builtin: {query: error_rate}}
            failureCondition: "result >= 0.05"
            compare: {against: baseline, judge: mannWhitney, direction: increase, allowedIncrease: 1.5, confidence: 0.98}
          - name: latency
            interval: 1m
            count: 5
            minSamples: 50
            metric: {builtin: {query: latency_p99}}
            successCondition: "result <= baseline * 1.5"
            failureCondition: "result > baseline * 2"
          - name: errors-sequential
            interval: 1m
            minSamples: 20
            metric: {builtin: {query: error_rate}}
            compare: {against: baseline, judge: sequential, direction: increase, confidence: 0.99}
      probes:
        - name: alive
          http: {path: /healthz}
          interval: 10s
      rollback: {onFailure: rollback, onInconclusive: pause}
  traffic: {rps: 400}
  duration: 2h
  versions:
    stable: {errorRate: 0.001, latency: {p50: 40ms, p99: 180ms}}
    canary:
      errorRate: 0.001
      latency: {p50: 40ms, p99: 180ms}
FAULTS
  metricNoise: 0.05
)";

ScenarioSpec scenario(bool faulty) {
  std::string text = kScenario;
  const std::string faults = faulty ? "      faults:\n        - {at: 25m, errorRate: 0.05}\n" : "";
  text.replace(text.find("FAULTS\n"), 7, faults);
  auto parsed = parse_scenario_text(text, Format::Yaml, "hour-canary.yaml");
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.diagnostics)
      std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::abort();
  }
  return *parsed.value;
}

// One simulated hour per iteration, one thread: runs per CPU-second.
void BM_HourCanaryRun(benchmark::State& state) {
  const ScenarioSpec s = scenario(state.range(0) != 0);
  std::uint64_t seed = 1;
  std::int64_t events = 0, virtual_ms = 0;
  SimulationOptions options;
  options.timeline = false;
  for (auto _ : state) {
    const RunReport r = simulate_run(s, seed++, options);
    events += r.events_run;
    virtual_ms += r.elapsed.count();
    benchmark::DoNotOptimize(r.faulty_requests);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["events/run"] = double(events) / double(state.iterations());
  state.counters["virtual_min/run"] = double(virtual_ms) / 60000.0 / double(state.iterations());
}
BENCHMARK(BM_HourCanaryRun)->Arg(0)->Arg(1)->ArgName("faulty")->Unit(benchmark::kMicrosecond);

// The 10,000-run Monte Carlo on 2 threads, wall time.
void BM_MonteCarlo10k(benchmark::State& state) {
  const ScenarioSpec s = scenario(state.range(0) != 0);
  for (auto _ : state) {
    const MonteCarloReport r = simulate_many(s, 1, 10000, 2);
    state.counters["rolledBackRate"] = r.rolled_back_rate;
    benchmark::DoNotOptimize(r.runs);
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_MonteCarlo10k)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("faulty")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace rollguard::sim

BENCHMARK_MAIN();
