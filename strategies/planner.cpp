#include "strategies/planner.hpp"

#include <algorithm>
#include <charconv>

namespace rollguard {
namespace {

bool covers(const RoleCounts& ready, const RoleCounts& wanted) {
  return ready.stable >= wanted.stable && ready.canary >= wanted.canary &&
         ready.baseline >= wanted.baseline;
}

bool running(Phase p) {
  return p == Phase::Progressing || p == Phase::Paused;
}

bool has_verdict(const RolloutState& s, const std::optional<std::string>& id, Verdict v) {
  if (!id) return false;
  auto it = s.verdicts.find(*id);
  return it != s.verdicts.end() && it->second == v;
}

template <class T>
bool whole_number(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && at == end && !text.empty();
}

}  // namespace

Planner::Planner(const RolloutSpec& spec)
    : program_(compile_program(spec)), policy_(spec.rollback) {}

bool Planner::analysed() const {
  if (program_.background && !program_.background->templates.empty()) return true;
  return std::any_of(program_.steps.begin(), program_.steps.end(),
                     [](const Step& st) { return !st.templates.empty(); });
}

bool Planner::last_step(const RolloutState& s) const {
  return s.step + 1 >= program_.steps.size() || (s.skipToEnd && s.step >= program_.finalSwitch);
}

std::string Planner::step_label(const RolloutState& s) const {
  const std::size_t i = std::min(s.step, program_.steps.size() - 1);
  return "step " + std::to_string(i + 1) + "/" + std::to_string(program_.steps.size()) + ": " +
         program_.steps[i].label;
}

bool Planner::timed(const RolloutState& s) const {
  const Step& st = program_.steps[std::min(s.step, program_.steps.size() - 1)];
  return st.duration && (st.kind == Step::Kind::Pause || st.kind == Step::Kind::Bake);
}

std::optional<std::string> Planner::step_analysis_id(const RolloutState& s) const {
  if (!running(s.phase) || s.step >= program_.steps.size()) return std::nullopt;
  if (program_.steps[s.step].templates.empty()) return std::nullopt;
  return "step" + std::to_string(s.step + 1) + "." + std::to_string(s.attempt);
}

std::optional<std::string> Planner::background_analysis_id(const RolloutState& s) const {
  const auto& bg = program_.background;
  if (!bg || bg->templates.empty() || !running(s.phase)) return std::nullopt;
  if (s.step < static_cast<std::size_t>(std::max(0, bg->startingStep))) return std::nullopt;
  return "background." + std::to_string(s.backgroundAttempt);
}

std::optional<AnalysisLabel> Planner::label_of(std::string_view id) const {
  // The inverse of step_analysis_id and background_analysis_id: "step<N>.<attempt>",
  // "background.<attempt>".
  const auto dot = id.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  int attempt = 0;
  if (!whole_number(id.substr(dot + 1), attempt)) return std::nullopt;
  const std::string again = attempt > 0 ? ", attempt " + std::to_string(attempt + 1) : "";
  const std::string_view head = id.substr(0, dot);
  if (head == "background") {
    if (!program_.background) return std::nullopt;
    return AnalysisLabel{program_.background->templates, "background" + again};
  }
  if (!head.starts_with("step")) return std::nullopt;
  std::size_t number = 0;
  if (!whole_number(head.substr(4), number) || number == 0 || number > program_.steps.size())
    return std::nullopt;
  return AnalysisLabel{program_.steps[number - 1].templates,
                       "step " + std::to_string(number) + again};
}

bool Planner::is_current_analysis(const RolloutState& s, std::string_view id) const {
  return step_analysis_id(s) == id || background_analysis_id(s) == id;
}

std::optional<AnalysisRequest> Planner::step_analysis(const RolloutState& s) const {
  auto id = step_analysis_id(s);
  if (!id) return std::nullopt;
  const Step& st = program_.steps[s.step];
  AnalysisRequest r;
  r.id = std::move(*id);
  r.kind = st.analysis;
  r.templates = st.templates;
  r.viaPreview = st.viaPreview;
  if (st.kind == Step::Kind::Bake) r.endsAt = s.stepStartedAt + *st.duration;
  return r;
}

std::optional<AnalysisRequest> Planner::background_analysis(const RolloutState& s) const {
  auto id = background_analysis_id(s);
  if (!id) return std::nullopt;
  AnalysisRequest r;
  r.id = std::move(*id);
  r.kind = AnalysisKind::Background;
  r.templates = program_.background->templates;
  return r;
}

StepGate Planner::gate(const RolloutState& s, TimePoint now) const {
  const Step& st = program_.steps[s.step];
  const bool timer_done = st.duration && now >= s.stepStartedAt + *st.duration;
  switch (st.kind) {
    case Step::Kind::SetWeight:
      return covers(s.ready, st.instances) && s.applied == st.traffic &&
                     s.previewApplied == st.preview
                 ? StepGate::Done
                 : StepGate::Waiting;
    case Step::Kind::Pause:
      if (!st.duration) return StepGate::AwaitingPromotion;
      return timer_done ? StepGate::Done : StepGate::Waiting;
    case Step::Kind::Analysis:
      return has_verdict(s, step_analysis_id(s), Verdict::Successful) ? StepGate::Done
                                                                      : StepGate::Waiting;
    case Step::Kind::Bake:
      return timer_done && (st.templates.empty() ||
                            has_verdict(s, step_analysis_id(s), Verdict::Successful))
                 ? StepGate::Done
                 : StepGate::Waiting;
  }
  return StepGate::Waiting;
}

Plan Planner::plan(const RolloutState& s, TimePoint now) const {
  Plan p;
  const int fleet = program_.fleet;
  const Step& st = program_.steps[std::min(s.step, program_.steps.size() - 1)];
  switch (s.phase) {
    case Phase::Pending:
      p.instances = program_.steps.front().instances;
      p.wakeAt = s.lastProgressAt + policy_.progressDeadline;
      p.label = "starting " + s.canaryVersion;
      break;
    case Phase::Progressing:
    case Phase::Paused: {
      p.traffic = st.traffic;
      p.instances = st.instances;
      p.preview = st.preview;
      if (auto r = step_analysis(s); r && !s.verdicts.contains(r->id))
        p.analyses.push_back(std::move(*r));
      if (auto r = background_analysis(s); r && !s.verdicts.contains(r->id))
        p.analyses.push_back(std::move(*r));
      if (s.phase == Phase::Progressing)
        p.wakeAt =
            timed(s) ? s.stepStartedAt + *st.duration : s.lastProgressAt + policy_.progressDeadline;
      p.label = step_label(s);
      break;
    }
    case Phase::RollingBack:
      p.instances = RoleCounts{fleet, st.instances.canary, 0};  // canary goes once traffic is off
      p.wakeAt = s.rollbackStartedAt + policy_.progressDeadline;
      p.label = "rolling back to " + s.stableVersion;
      break;
    case Phase::RolledBack:
      p.instances = RoleCounts{fleet, 0, 0};
      p.label = s.stableVersion + " serves all traffic";
      break;
    case Phase::Succeeded: {
      // The previous environment stays ready for a while, so undo is a traffic switch.
      const TimePoint release = s.completedAt + policy_.keepPreviousFor;
      p.traffic = TrafficSplit{0, 100, 0};
      p.instances = RoleCounts{now < release ? fleet : 0, fleet, 0};
      if (now < release) p.wakeAt = release;
      p.label = s.canaryVersion + " serves all traffic";
      break;
    }
    case Phase::Failed:
      // A person must act: want the known-good traffic, but keep every instance as it was.
      p.instances = st.instances;
      p.label = "failed: " + s.message;
      break;
  }
  return p;
}

}  // namespace rollguard
