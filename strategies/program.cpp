#include "strategies/program.hpp"

#include <algorithm>
#include <cmath>

#include "strategies/program_builder.hpp"

namespace rollguard {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 has no CTAD for aggregates yet

// Canary: the steps as written; ends with the switch to 100% if they do not.
Program compile(const CanaryStrategy& s, int fleet, const RolloutSpec& spec) {
  ProgramBuilder b(fleet, s.baseline);
  for (const CanaryStep& step : s.steps) {
    std::visit(Overloaded{[&](const SetWeightStep& w) { b.set_weight(w.weight); },
                          [&](const PauseStep& p) { b.pause(p.duration); },
                          [&](const AnalysisStep& a) { b.analysis(a.analysis); }},
               step);
  }
  return b.finish(spec.background);
}

// Blue/green: the new environment at full size behind the preview route, analysed there,
// optionally held for `promote`, then all traffic switches at once; the previous
// environment stays warm (see the planner) so that undoing is a switch back.
Program compile(const BlueGreenStrategy& s, int fleet, const RolloutSpec& spec) {
  ProgramBuilder b(fleet, false);
  b.set_preview(true);
  if (s.prePromotionAnalysis) b.analysis(*s.prePromotionAnalysis, AnalysisKind::PrePromotion);
  if (!s.autoPromote) b.pause(std::nullopt);
  b.set_preview(false);
  b.set_weight(100);
  if (s.postPromotionAnalysis) b.analysis(*s.postPromotionAnalysis, AnalysisKind::PostPromotion);
  return b.finish(spec.background);
}

// Linear: stepWeight more every interval until 100 (the last step may be smaller).
Program compile(const LinearStrategy& s, int fleet, const RolloutSpec& spec) {
  ProgramBuilder b(fleet, false);
  for (double w = s.stepWeight; w < 100; w += s.stepWeight) {
    b.set_weight(w);
    b.pause(s.interval);
  }
  b.set_weight(100);
  return b.finish(spec.background);
}

// All at once, then a bake under background analysis and probes before Succeeded.
Program compile(const AllAtOnceStrategy& s, int fleet, const RolloutSpec& spec) {
  ProgramBuilder b(fleet, false);
  b.set_weight(100);
  b.bake(s.bake, {});
  return b.finish(spec.background);
}

// One box: one new instance with its fair share, baked under analysis, then the rest.
Program compile(const OneBoxStrategy& s, int fleet, const RolloutSpec& spec) {
  ProgramBuilder b(fleet, false);
  const double fair = std::round(10000.0 / (fleet + 1)) / 100;  // to 0.01%
  b.set_weight(s.weight.value_or(fair), 1);
  b.bake(s.bake, s.analysis ? s.analysis->templates : std::vector<std::string>{});
  b.set_weight(100);
  return b.finish(spec.background);
}

}  // namespace

std::string_view to_string(AnalysisKind k) {
  switch (k) {
    case AnalysisKind::Step:
      return "step";
    case AnalysisKind::Background:
      return "background";
    case AnalysisKind::PrePromotion:
      return "pre-promotion";
    case AnalysisKind::PostPromotion:
      return "post-promotion";
  }
  return "?";
}

int fleet_size(const TargetSpec& target) {
  return std::visit(
      Overloaded{[](const ProcessTarget& p) { return std::max(1, p.instances); },
                 [](const StaticTarget& s) { return std::max<int>(1, s.stable.size()); },
                 [](const CommandTarget& c) { return std::max<int>(1, c.stable.size()); }},
      target);
}

Program compile_program(const RolloutSpec& spec) {
  const int fleet = fleet_size(spec.target);
  return std::visit([&](const auto& strategy) { return compile(strategy, fleet, spec); },
                    spec.strategy);
}

}  // namespace rollguard
