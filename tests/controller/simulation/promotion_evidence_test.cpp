// Promotion needs evidence (issue 22, item 5): a rollout with analyses is promoted only once at
// least one of them has a successful measurement with data behind it (minSamples), whatever
// its limits say. A background-only analysis whose every measurement is inconclusive (too few
// canary requests) under a high inconclusiveLimit used to let the steps' timers promote a
// canary nothing had been measured on; it now pauses for a person (onInconclusive) instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/simulation/simulation_run.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard::sim {
namespace promotion_evidence {

using ::testing::HasSubstr;

ScenarioSpec scenario(int rps) {
  const std::string yaml = R"(apiVersion: rollguard.dev/v1
kind: Scenario
metadata: {name: background-only}
spec:
  rollout:
    apiVersion: rollguard.dev/v1
    kind: Rollout
    metadata: {name: app}
    spec:
      stable: {version: "1"}
      canary: {version: "2"}
      target: {process: {command: ["./app", "--port", "{{port}}"]}}
      strategy: {canary: {steps: [{setWeight: 5}, {pause: {duration: 2m}}, {setWeight: 100}]}}
      analysis:
        background: {templates: [errors]}
        templates:
          - name: errors
            interval: 10s
            minSamples: 50
            inconclusiveLimit: 1000
            metric: {builtin: {query: error_rate}}
            successCondition: "result < 0.05"
  traffic: {rps: )" + std::to_string(rps) +
                           R"(}
  duration: 30m
  versions:
    stable: {errorRate: 0.001, latency: {p50: 40ms, p99: 180ms}}
    canary: {errorRate: 0.001, latency: {p50: 40ms, p99: 180ms}}
  runs: 1
  seed: 3
)";
  auto parsed = parse_scenario_text(yaml, Format::Yaml, "background-only.yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
  return parsed.value.value_or(ScenarioSpec{});
}

TEST(PromotionEvidence, NothingMeasuredOnTheCanaryIsNotPromoted) {
  // 4 rps at 5%: a canary request every five seconds, 2 per 10 s measurement, under 50.
  SimulationOptions options;
  options.timeline = true;
  const RunReport r = simulate_run(scenario(4), 3, options);
  EXPECT_EQ(to_string(r.phase), "Paused") << r.message;
  EXPECT_THAT(r.message, HasSubstr("no successful measurement"));
  for (const Event& e : r.timeline) EXPECT_NE(to_string(e.phase), "Succeeded") << e.reason;
}

TEST(PromotionEvidence, MeasuredAndHealthyIsPromoted) {
  const RunReport r = simulate_run(scenario(500), 3);
  EXPECT_EQ(to_string(r.phase), "Succeeded") << r.message;
}

}  // namespace promotion_evidence
}  // namespace rollguard::sim
