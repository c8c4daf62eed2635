#pragma once
// One analysis template over its lifetime (docs/manifest.md, "Analysis templates"): when each
// measurement is due (initialDelay, interval, count), the limits (failureLimit,
// inconclusiveLimit, consecutiveErrorLimit) and the verdict with its explanation. Pure: the
// caller takes the measurements and says when time is up.
#include <optional>
#include <string>
#include <vector>

#include "health/judges/measurement_judge.hpp"
#include "health/judges/sequential_judge.hpp"

namespace rollguard {

class TemplateRun {
 public:
  // `ends_at`: when the step ends; templates without `count` measure until then (or, with no
  // end, until the run is stopped).
  TemplateRun(CompiledTemplate t, TimePoint started, std::optional<TimePoint> ends_at);

  // When the next measurement is due; nothing once the verdict is in or `count` is reached.
  std::optional<TimePoint> next_due() const;

  void record(Measurement m);

  // Request outcomes of one batch, for the `sequential` judge: the evidence is checked as it
  // arrives, so a badly broken canary fails at once, not at the next interval.
  void observe_outcomes(std::int64_t canary_requests, std::int64_t canary_failures,
                        std::int64_t compared_requests, std::int64_t compared_failures,
                        TimePoint at);
  // Whether the sequential judge watches every request of this template (cheap; the decision
  // below writes its reason text).
  bool is_sequential() const { return sequential_.has_value(); }
  std::optional<JudgeResult> sequential_decision() const;

  // Time is up (the step ended or the run is stopped): decide with what was measured.
  void end();

  std::optional<Verdict> verdict() const { return verdict_; }
  // "errors: canary error_rate 0.214 vs baseline 0.002 (...); 1 failure > failureLimit 0"
  const std::string& explanation() const { return explanation_; }
  const CompiledTemplate& compiled() const { return template_; }
  const std::string& name() const { return template_.spec.name; }
  int measured() const { return measured_; }
  const std::optional<Measurement>& last() const { return last_; }

 private:
  void conclude(Verdict v, const std::string& why);

  CompiledTemplate template_;
  TimePoint started_;
  std::optional<TimePoint> ends_at_;
  std::optional<int> count_;  // nothing: until the end
  std::optional<SequentialJudge> sequential_;
  int measured_ = 0, successes_ = 0, failures_ = 0, inconclusives_ = 0, errors_ = 0;
  int consecutive_errors_ = 0;
  std::optional<Measurement> last_;
  std::optional<Measurement> last_bad_;
  std::optional<Verdict> verdict_;
  std::string explanation_;
};

}  // namespace rollguard
