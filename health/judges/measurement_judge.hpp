#pragma once
// One measurement of one metric template, judged by its conditions, its compare, or both
// (docs/conditions.md; docs/judges.md): Failed when either says so, Inconclusive when too little
// data or a judge cannot decide and nothing failed, Error when the value could not be read,
// Successful only when everything given passes.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "health/judges/judge_result.hpp"
#include "health/measurement.hpp"
#include "manifests/condition.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

// A template with its conditions parsed once.
struct CompiledTemplate {
  AnalysisTemplate spec;
  std::optional<Condition> success;
  std::optional<Condition> failure;

  // Fails only on a condition that does not parse (validation reports those first).
  static std::variant<CompiledTemplate, std::string> compile(const AnalysisTemplate& spec);
  std::string metric_label() const;  // "error_rate", "prometheus", "web", "synthetic"
};

// Everything one measurement has to go on.
struct MetricObservation {
  MetricReading canary;
  std::optional<MetricReading> compared;  // the baseline's (or stable's) value of the metric
  std::vector<double> canary_samples;     // per-interval or per-request samples: mannWhitney
  std::vector<double> compared_samples;
  std::optional<JudgeResult> sequential;  // the running sequential judge's decision
};

struct Measurement {
  TimePoint at{};
  Verdict verdict = Verdict::Successful;
  std::vector<double> value;
  std::int64_t samples = -1;
  std::string reason;  // one line, without the template's name
};

Measurement judge_measurement(const CompiledTemplate& t, const MetricObservation& in, TimePoint at);

}  // namespace rollguard
