#pragma once
// Small RolloutSpec builders for tests that exercise planners and the state machine without
// going through manifest parsing.
#include "manifests/rollout_spec.hpp"

namespace rollguard::testing {

inline RolloutSpec base_spec(StrategySpec strategy, int instances = 2) {
  RolloutSpec spec;
  spec.metadata.name = "checkout";
  spec.stable = "1.0.0";
  spec.canary = "2.0.0";
  ProcessTarget target;
  target.command = {"rollguard-demo-app", "--port", "{{port}}"};
  target.instances = instances;
  spec.target = target;
  spec.strategy = std::move(strategy);
  spec.rollback.progressDeadline = 10min;
  spec.rollback.keepPreviousFor = 10min;
  for (const char* name : {"errors", "latency", "flow"}) {
    AnalysisTemplate t;
    t.name = name;
    t.count = 3;
    t.interval = 10s;
    t.metric = BuiltinMetric{};
    t.successCondition = "result < 0.01";
    spec.templates.push_back(t);
  }
  return spec;
}

inline AnalysisRef refs(std::vector<std::string> names) {
  return AnalysisRef{std::move(names)};
}

inline RolloutSpec canary_spec(std::vector<CanaryStep> steps, bool baseline = false) {
  return base_spec(CanaryStrategy{baseline, std::move(steps)});
}

}  // namespace rollguard::testing
