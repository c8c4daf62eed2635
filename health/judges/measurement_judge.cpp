#include "health/judges/measurement_judge.hpp"

#include <algorithm>
#include <cmath>

#include "health/judges/mann_whitney.hpp"
#include "health/judges/ratio_judge.hpp"
#include "manifests/enum_names.hpp"

namespace rollguard {
namespace {

std::string format_value(const MetricReading& r) {
  if (!r.is_list) return r.value.empty() ? "nothing" : format_number(r.value.front());
  std::string out = "[";
  for (std::size_t i = 0; i < r.value.size(); ++i)
    out += (i ? ", " : "") + format_number(r.value[i]);
  return out + "]";
}

ConditionValue as_condition_value(const MetricReading& r) {
  return {r.value, r.is_list};
}

// The conditions' say, or nothing when the template has none.
std::optional<Measurement> judge_conditions(const CompiledTemplate& t,
                                            const MetricObservation& in) {
  if (!t.success && !t.failure) return std::nullopt;
  ConditionInputs inputs{as_condition_value(in.canary), std::nullopt};
  if (in.compared && in.compared->ok()) inputs.baseline = as_condition_value(*in.compared);
  const std::string subject = t.metric_label() + " " + format_value(in.canary);
  Measurement m;
  // A NaN or infinite reading (0/0 without traffic) is no data, and no data is never a
  // success: only a condition that asks isNaN judges it.
  const bool named_nan =
      (t.failure && t.failure->judges_nan()) || (t.success && t.success->judges_nan());
  const auto not_finite = [](const MetricReading& r) {
    return std::ranges::any_of(r.value, [](double v) { return !std::isfinite(v); });
  };
  const bool baseline_read =
      (t.failure && t.failure->uses_baseline()) || (t.success && t.success->uses_baseline());
  const bool compared_nan = baseline_read && in.compared && not_finite(*in.compared);
  if (!named_nan && (not_finite(in.canary) || compared_nan)) {
    m.verdict = Verdict::Inconclusive;
    m.reason = subject +
               " is not a finite number: neither success nor failure (a condition "
               "with isNaN judges it)";
    return m;
  }
  auto check = [&](const Condition& c, const char* which) -> std::optional<bool> {
    ConditionOutcome out = c.evaluate(inputs);
    if (!out.value) {
      m.verdict = Verdict::Error;
      m.reason = std::string(which) + " \"" + c.text() + "\": " + out.error;
    }
    return out.value;
  };
  if (t.failure) {
    auto failed = check(*t.failure, "failureCondition");
    if (!failed) return m;
    if (*failed) {
      m.verdict = Verdict::Failed;
      m.reason = subject + " meets failureCondition \"" + t.failure->text() + "\"";
      return m;
    }
  }
  if (t.success) {
    auto passed = check(*t.success, "successCondition");
    if (!passed) return m;
    if (*passed) {
      m.reason = subject + " meets successCondition \"" + t.success->text() + "\"";
    } else {
      // Without a failureCondition, missing the success condition is a failure.
      m.verdict = t.failure ? Verdict::Inconclusive : Verdict::Failed;
      m.reason = subject + " misses successCondition \"" + t.success->text() + "\"";
    }
    return m;
  }
  m.reason = subject + " does not meet failureCondition \"" + t.failure->text() + "\"";
  return m;
}

JudgeResult run_judge(const CompareSpec& c, const MetricObservation& in) {
  switch (c.judge) {
    case JudgeKind::Ratio: {
      const double canary = in.canary.value.empty() ? NAN : in.canary.value.front();
      const double other =
          in.compared && !in.compared->value.empty() ? in.compared->value.front() : NAN;
      return judge_ratio(c, canary, other);
    }
    case JudgeKind::MannWhitney:
      return judge_mann_whitney(c, in.canary_samples, in.compared_samples);
    case JudgeKind::Sequential:
      if (in.sequential) return *in.sequential;
      break;
  }
  JudgeResult none;
  none.reason = "no data for the sequential judge yet";
  return none;
}

}  // namespace

std::variant<CompiledTemplate, std::string> CompiledTemplate::compile(
    const AnalysisTemplate& spec) {
  CompiledTemplate t{spec, std::nullopt, std::nullopt};
  for (auto [text, slot] : {std::pair{&spec.successCondition, &t.success},
                            std::pair{&spec.failureCondition, &t.failure}}) {
    if (!*text) continue;
    auto parsed = Condition::parse(**text);
    if (auto* error = std::get_if<ConditionParseError>(&parsed)) {
      return "condition \"" + **text + "\": column " + std::to_string(error->column) + ": " +
             error->message;
    }
    *slot = std::get<Condition>(std::move(parsed));
  }
  return t;
}

std::string CompiledTemplate::metric_label() const {
  if (spec.synthetic) return "synthetic";
  if (!spec.metric) return "metric";
  if (auto* b = std::get_if<BuiltinMetric>(&*spec.metric))
    return enum_name(builtin_query_names(), b->query);
  return std::string(metric_kind_name(*spec.metric));
}

Measurement judge_measurement(const CompiledTemplate& t, const MetricObservation& in,
                              TimePoint at) {
  Measurement m;
  m.at = at;
  m.value = in.canary.value;
  m.samples = in.canary.samples;
  const std::string label = t.metric_label();
  if (!in.canary.ok()) {
    m.verdict = Verdict::Error;
    m.reason = label + ": " + in.canary.error;
    return m;
  }
  if (in.canary.samples >= 0 && in.canary.samples < t.spec.minSamples) {
    m.verdict = Verdict::Inconclusive;
    m.reason = label + ": " + std::to_string(in.canary.samples) + " requests < minSamples " +
               std::to_string(t.spec.minSamples);
    return m;
  }
  if (in.canary.value.empty()) {
    m.verdict = Verdict::Error;
    m.reason = label + ": empty result";
    return m;
  }
  std::optional<Measurement> by_conditions = judge_conditions(t, in);
  std::optional<JudgeResult> by_judge;
  if (t.spec.compare) by_judge = run_judge(*t.spec.compare, in);

  // Failed if either fails; an error of the conditions next; Inconclusive if either cannot
  // decide; Successful only when all that was given passes.
  const bool judge_failed = by_judge && by_judge->bad;
  const bool judge_unsure = by_judge && by_judge->classification == JudgeClass::Inconclusive;
  if (by_conditions && by_conditions->verdict == Verdict::Failed) {
    m.verdict = Verdict::Failed;
    m.reason = by_conditions->reason;
  } else if (judge_failed) {
    m.verdict = Verdict::Failed;
    m.reason = label + ": " + by_judge->reason;
  } else if (by_conditions && by_conditions->verdict == Verdict::Error) {
    m.verdict = Verdict::Error;
    m.reason = by_conditions->reason;
  } else if (judge_unsure) {
    m.verdict = Verdict::Inconclusive;
    m.reason = label + ": " + by_judge->reason;
  } else if (by_conditions && by_conditions->verdict == Verdict::Inconclusive) {
    m.verdict = Verdict::Inconclusive;
    m.reason = by_conditions->reason;
  } else if (by_judge) {
    m.verdict = Verdict::Successful;
    m.reason = label + ": " + by_judge->reason;
  } else if (by_conditions) {
    m.verdict = Verdict::Successful;
    m.reason = by_conditions->reason;
  } else {  // validation refuses such a template; never let it pass on nothing
    m.verdict = Verdict::Inconclusive;
    m.reason = label + ": the template has neither conditions nor a compare";
  }
  return m;
}

}  // namespace rollguard
