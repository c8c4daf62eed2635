#include "health/template_run.hpp"

namespace rollguard {
namespace {

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

TemplateRun::TemplateRun(CompiledTemplate t, TimePoint started, std::optional<TimePoint> ends_at)
    : template_(std::move(t)), started_(started), ends_at_(ends_at) {
  const AnalysisTemplate& spec = template_.spec;
  // A count, or: with an interval, until the end; with neither, a single measurement.
  if (spec.count)
    count_ = spec.count;
  else if (!spec.interval)
    count_ = 1;
  if (spec.compare && spec.compare->judge == JudgeKind::Sequential)
    sequential_.emplace(*spec.compare);
  explanation_ = name() + ": no measurement yet";
}

std::optional<TimePoint> TemplateRun::next_due() const {
  if (verdict_ || (count_ && measured_ >= *count_)) return std::nullopt;
  const AnalysisTemplate& spec = template_.spec;
  // A measurement covers the interval that ends at it, so the first one is an interval in:
  // measuring at the start would judge a window with nothing of the change in it.
  const Duration interval = spec.interval.value_or(Duration{0});
  const TimePoint due = last_ ? last_->at + interval : started_ + spec.initialDelay + interval;
  if (ends_at_ && due >= *ends_at_) return std::nullopt;
  return due;
}

void TemplateRun::conclude(Verdict v, const std::string& why) {
  verdict_ = v;
  explanation_ = name() + ": " + why;
}

void TemplateRun::record(Measurement m) {
  if (verdict_) return;
  ++measured_;
  switch (m.verdict) {
    case Verdict::Successful:
      ++successes_;
      consecutive_errors_ = 0;
      break;
    case Verdict::Failed:
      ++failures_;
      consecutive_errors_ = 0;
      break;
    case Verdict::Inconclusive:
      ++inconclusives_;
      consecutive_errors_ = 0;
      break;
    case Verdict::Error:
      ++errors_;
      ++consecutive_errors_;
      break;
  }
  if (m.verdict != Verdict::Successful) last_bad_ = m;
  last_ = std::move(m);
  const AnalysisTemplate& spec = template_.spec;
  const std::string& last_reason = last_->reason;
  if (failures_ > spec.failureLimit) {
    return conclude(Verdict::Failed, last_bad_->reason + "; " + plural(failures_, "failure") +
                                         " > failureLimit " + std::to_string(spec.failureLimit));
  }
  if (inconclusives_ > spec.inconclusiveLimit) {
    return conclude(Verdict::Inconclusive, last_bad_->reason + "; " +
                                               std::to_string(inconclusives_) +
                                               " inconclusive > inconclusiveLimit " +
                                               std::to_string(spec.inconclusiveLimit));
  }
  if (consecutive_errors_ > spec.consecutiveErrorLimit) {
    return conclude(Verdict::Error, last_reason + "; " + std::to_string(consecutive_errors_) +
                                        " consecutive errors > consecutiveErrorLimit " +
                                        std::to_string(spec.consecutiveErrorLimit));
  }
  if (count_ && measured_ >= *count_) return end();
  explanation_ = name() + ": " + last_reason + " (" + std::to_string(measured_) +
                 (count_ ? " of " + std::to_string(*count_) : "") + " measurements)";
}

void TemplateRun::observe_outcomes(std::int64_t canary_requests, std::int64_t canary_failures,
                                   std::int64_t compared_requests, std::int64_t compared_failures,
                                   TimePoint at) {
  if (!sequential_ || verdict_) return;
  sequential_->observe(canary_requests, canary_failures, compared_requests, compared_failures);
  if (!sequential_->crossed()) return;  // the common case: no reason text to write
  JudgeResult decision = sequential_->decide();
  if (!decision.bad) return;
  // The sequential test bounds its false alarms however often it is looked at, so crossing
  // is conclusive at once; failureLimit counts the scheduled measurements only.
  Measurement m;
  m.at = at;
  m.verdict = Verdict::Failed;
  m.value = {decision.canary};
  m.samples = decision.canary_samples;
  m.reason = template_.metric_label() + ": " + decision.reason;
  last_bad_ = m;
  conclude(Verdict::Failed, m.reason);
}

std::optional<JudgeResult> TemplateRun::sequential_decision() const {
  if (!sequential_) return std::nullopt;
  return sequential_->decide();
}

void TemplateRun::end() {
  if (verdict_) return;
  const std::string tally =
      plural(successes_, "successful measurement") + " of " + std::to_string(measured_);
  if (count_ && measured_ < *count_) {
    return conclude(Verdict::Inconclusive, "only " + std::to_string(measured_) + " of " +
                                               std::to_string(*count_) +
                                               " measurements before the step ended");
  }
  if (successes_ == 0) {
    // No data is never a success.
    const Verdict v = errors_ > 0 ? Verdict::Error : Verdict::Inconclusive;
    return conclude(v, last_bad_ ? last_bad_->reason + "; no successful measurement"
                                 : "no measurement before the step ended");
  }
  conclude(Verdict::Successful, last_->reason + "; " + tally);
}

}  // namespace rollguard
