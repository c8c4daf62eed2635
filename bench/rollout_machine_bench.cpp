// Planner + state-machine steps per second on one core: one step is one input applied to a
// rollout and the plan read back, as the reconciler does on every wake-up.
// Target: >= 1M steps/s, so ten thousand rollouts and fast simulation are cheap.
#include <benchmark/benchmark.h>

#include "controller/machine/rollout_machine.hpp"

namespace rollguard {
namespace {

RolloutSpec bench_spec() {
  RolloutSpec spec;
  spec.metadata.name = "checkout";
  spec.canary = "2.0.0";
  ProcessTarget target;
  target.instances = 3;
  spec.target = target;
  CanaryStrategy canary;
  canary.baseline = true;
  for (double w : {5.0, 10.0, 25.0, 50.0}) {
    canary.steps.push_back(SetWeightStep{w});
    canary.steps.push_back(PauseStep{30s});
    canary.steps.push_back(AnalysisStep{AnalysisRef{{"errors"}}});
  }
  spec.strategy = canary;
  spec.background = BackgroundAnalysis{{"latency"}, 0};
  return spec;
}

// Drives whole rollouts to Succeeded: readiness, traffic confirmations, timers, verdicts.
void BM_PlannerAndMachineSteps(benchmark::State& state) {
  const RolloutSpec spec = bench_spec();
  const RolloutMachine machine(spec);
  std::int64_t steps = 0;
  TimePoint now{};
  for (auto _ : state) {
    RolloutState s = machine.begin("1.0.0", now);
    while (s.phase != Phase::Succeeded) {
      if (is_terminal(s.phase)) {
        state.SkipWithError("the rollout did not succeed");
        break;
      }
      const Plan plan = machine.plan(s, now);
      MachineInput input = Tick{};
      if (s.ready.stable < plan.instances.stable) {
        input = InstancesReady{Role::Stable, plan.instances.stable};
      } else if (s.ready.canary < plan.instances.canary) {
        input = InstancesReady{Role::Canary, plan.instances.canary};
      } else if (s.ready.baseline < plan.instances.baseline) {
        input = InstancesReady{Role::Baseline, plan.instances.baseline};
      } else if (!(s.applied == plan.traffic)) {
        input = TrafficApplied{plan.traffic, plan.preview};
      } else if (!plan.analyses.empty() && plan.analyses.front().kind != AnalysisKind::Background) {
        input = AnalysisCompleted{plan.analyses.front().id, Verdict::Successful, "ok"};
      } else if (plan.wakeAt) {
        now = *plan.wakeAt;
      }
      benchmark::DoNotOptimize(machine.apply(s, input, now));
      ++steps;
    }
  }
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["steps_per_rollout"] =
      benchmark::Counter(static_cast<double>(steps) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_PlannerAndMachineSteps);

}  // namespace
}  // namespace rollguard

BENCHMARK_MAIN();
