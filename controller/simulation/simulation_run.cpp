#include "controller/simulation/simulation_run.hpp"

#include "controller/runtime/reconciler.hpp"
#include "controller/simulation/model_metric_provider.hpp"
#include "controller/simulation/model_outcomes.hpp"
#include "controller/simulation/sim_endpoint.hpp"
#include "controller/simulation/simulated_prober.hpp"
#include "controller/simulation/simulated_router.hpp"
#include "controller/simulation/simulated_synthetic.hpp"
#include "controller/simulation/simulated_targets.hpp"
#include "controller/simulation/virtual_scheduler.hpp"

namespace rollguard::sim {
namespace {

enum Stream : std::uint64_t { kTraffic = 1, kLatency, kSynthetic, kNoise };

bool mentions_baseline(const std::optional<std::string>& condition) {
  return condition && condition->find("baseline") != std::string::npos;
}

// Roles whose outcomes an analysis reads: the canary's, and what templates compare it with.
std::array<bool, 3> observed_roles(const RolloutSpec& spec) {
  std::array<bool, 3> observed{false, true, false};
  for (const AnalysisTemplate& t : spec.templates) {
    if (t.compare) {
      const Role r = t.compare->against == CompareAgainst::Stable ? Role::Stable : Role::Baseline;
      observed[static_cast<std::size_t>(r)] = true;
    }
    if (mentions_baseline(t.successCondition) || mentions_baseline(t.failureCondition))
      observed[static_cast<std::size_t>(Role::Baseline)] = true;
  }
  return observed;
}

}  // namespace

RunReport simulate_run(const ScenarioSpec& scenario, std::uint64_t seed,
                       const SimulationOptions& options) {
  const RolloutSpec& spec = scenario.rollout;
  const TimePoint start{};
  const OutcomeWindowOptions window;
  RunReport report;
  report.seed = seed;

  VirtualScheduler scheduler(start);
  TrafficModel model(scenario, start, window.bucket, window.horizon, Random::derive(seed, kTraffic),
                     observed_roles(spec));
  ModelOutcomes outcomes(model, Random::derive(seed, kLatency), window);
  SimulatedTargets targets(scheduler, model, options.startup);
  SimulatedProber prober(scheduler, model);
  SimulatedSynthetic synthetic(scheduler, model, Random::derive(seed, kSynthetic));
  Random noise(Random::derive(seed, kNoise));

  RunFacts facts;  // what the accounting scores
  std::optional<TimePoint> restored_at;
  std::array<bool, 2> crash_scheduled{};
  SimulatedRouter router(scheduler, model, [&](const RouteTable&) {
    const TimePoint now = scheduler.now();
    if (facts.stopped_at && !restored_at && model.share_of(kCanaryVersion) <= 0) restored_at = now;
    for (int v : {kStableVersion, kCanaryVersion}) {  // a version crashes once it serves
      const auto since = model.serving_since(v);
      const auto crash = model.model(v).crash_at();
      if (!since || !crash || crash_scheduled[static_cast<std::size_t>(v)]) continue;
      crash_scheduled[static_cast<std::size_t>(v)] = true;
      scheduler.at(*since + *crash, [&targets, v] { targets.crash(v); });
    }
  });

  ReconcilerParts parts;
  parts.spec = &spec;
  parts.clock = &scheduler.clock();
  parts.waker = &scheduler;
  parts.targets = &targets;
  parts.router = &router;
  parts.prober = &prober;
  parts.post = [&scheduler](std::function<void()> work) { scheduler.post(std::move(work)); };
  parts.analysis.outcomes = &outcomes;
  parts.analysis.synthetic = &synthetic;
  parts.analysis.router_endpoint = kRouterEndpoint;
  parts.analysis.preview_header = spec.traffic.previewHeader;
  parts.analysis.make_provider =
      [&](const ExternalMetric& source) -> std::unique_ptr<MetricProvider> {
    return std::make_unique<ModelMetricProvider>(classify_metric(source), outcomes, scheduler,
                                                 noise, scenario.metricNoise);
  };

  Reconciler reconciler(std::move(parts), [&](const Event& e, const RolloutState& s) {
    if (options.timeline) report.timeline.push_back(e);
    switch (classify_event(e, s)) {
      case EventVerdict::Stop:
        if (!facts.stopped_at) facts.stopped_at = e.at - start;
        break;
      case EventVerdict::InconclusivePause:
        ++facts.inconclusive_pauses;
        break;
      case EventVerdict::None:
        break;
    }
  });
  reconciler.start(spec.stable.value_or(""));
  report.events_run = scheduler.run(start + scenario.duration,
                                    [&] { return is_terminal(reconciler.state().phase); });
  const TimePoint end = scheduler.now();
  model.advance_to(end);

  const RolloutState& state = reconciler.state();
  report.phase = state.phase;
  report.message = state.message;
  report.elapsed = end - start;
  if (const auto worse = model.worse_since()) facts.worse_since = *worse - start;
  const RunScore score = score_run(facts);
  report.outcome = score.outcome;
  report.fault_onset = facts.worse_since;
  report.fault_reason = model.worse_because();
  report.stopped_at = facts.stopped_at;
  report.inconclusive_pauses = facts.inconclusive_pauses;
  report.time_to_detect = score.time_to_detect;
  if (score.time_to_detect && restored_at)
    report.time_to_restore = *restored_at - start - *report.fault_onset;
  report.faulty_requests = model.faulty_requests();
  report.failed_requests = model.faulty_failures();
  report.excess_failed_requests =
      static_cast<double>(report.failed_requests) - model.stable_failures_expected();
  report.canary_requests = model.served(kCanaryVersion);
  return report;
}

}  // namespace rollguard::sim
