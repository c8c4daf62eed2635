// Reads spec.strategy: canary steps, blue/green, linear, all-at-once and one-box.
#include "manifests/rollout_reader.hpp"

namespace rollguard {
namespace {

const NumberRange kPercent{0, 100};
const NumberRange kPositivePercent{0, 100, true, false};

void read_step(const Cursor& at, CanaryStep& out, RolloutContext& context) {
  MapReader step(at, "CanaryStep");
  const std::string kind = step.one_of();
  if (kind == "setWeight") {
    SetWeightStep s;
    read_number(step["setWeight"], s.weight, kPercent);
    out = s;
  } else if (kind == "pause") {
    MapReader pause(step["pause"], "Pause");
    PauseStep s;
    Duration d{};
    if (read_duration(pause["duration"], d)) s.duration = d;
    out = s;
  } else if (kind == "analysis") {
    AnalysisStep s;
    read_analysis_ref(step["analysis"], s.analysis, context);
    out = s;
  }
}

CanaryStrategy read_canary(const Cursor& at, RolloutContext& context) {
  MapReader canary(at, "CanaryStrategy");
  CanaryStrategy out;
  // A baseline written wrongly is taken as running, so that its error is the only one.
  context.baseline_runs =
      read_bool(canary["baseline"], out.baseline) ? out.baseline : canary.has("baseline");
  const Cursor steps = canary.required("steps");
  read_list(steps, out.steps,
            [&](const Cursor& item, CanaryStep& step) { read_step(item, step, context); });
  if (steps.present() && steps.json().is_array() && steps.json().empty())
    steps.error("a canary strategy needs at least one step",
                "for example [{setWeight: 20}, {pause: {duration: 5m}}, {setWeight: 100}]");
  return out;
}

BlueGreenStrategy read_blue_green(const Cursor& at, RolloutContext& context) {
  MapReader bg(at, "BlueGreenStrategy");
  BlueGreenStrategy out;
  read_bool(bg["autoPromote"], out.autoPromote);
  for (const char* key : {"prePromotionAnalysis", "postPromotionAnalysis"}) {
    if (!bg.has(key)) continue;
    AnalysisRef ref;
    read_analysis_ref(bg[key], ref, context);
    (std::string_view(key) == "prePromotionAnalysis" ? out.prePromotionAnalysis
                                                     : out.postPromotionAnalysis) = ref;
  }
  return out;
}

LinearStrategy read_linear(const Cursor& at) {
  MapReader linear(at, "LinearStrategy");
  LinearStrategy out;
  read_number(linear["stepWeight"], out.stepWeight, kPositivePercent);
  read_duration(linear["interval"], out.interval, true);
  return out;
}

AllAtOnceStrategy read_all_at_once(const Cursor& at) {
  MapReader all(at, "AllAtOnceStrategy");
  AllAtOnceStrategy out;
  read_duration(all["bake"], out.bake);
  return out;
}

OneBoxStrategy read_one_box(const Cursor& at, RolloutContext& context) {
  MapReader box(at, "OneBoxStrategy");
  OneBoxStrategy out;
  double weight = 0;
  if (read_number(box["weight"], weight, kPositivePercent)) out.weight = weight;
  read_duration(box["bake"], out.bake);
  if (box.has("analysis")) {
    AnalysisRef ref;
    read_analysis_ref(box["analysis"], ref, context);
    out.analysis = ref;
  }
  return out;
}

}  // namespace

void read_analysis_ref(const Cursor& at, AnalysisRef& out, RolloutContext& context) {
  MapReader ref(at, "AnalysisRef");
  const Cursor templates = ref.required("templates");
  if (!read_string_list(templates, out.templates, false)) return;
  for (std::size_t i = 0; i < out.templates.size(); ++i) {
    const Cursor item = templates.item(i);
    for (std::size_t j = 0; j < i; ++j)
      if (out.templates[j] == out.templates[i])
        item.error("template \"" + out.templates[i] + "\" is listed twice");
    context.template_refs.emplace_back(out.templates[i], item);
  }
}

void read_strategy(const Cursor& at, StrategySpec& out, RolloutContext& context) {
  MapReader strategy(at, "Strategy");
  const std::string kind = strategy.one_of();
  if (kind == "canary") out = read_canary(strategy["canary"], context);
  if (kind == "blueGreen") out = read_blue_green(strategy["blueGreen"], context);
  if (kind == "linear") out = read_linear(strategy["linear"]);
  if (kind == "allAtOnce") out = read_all_at_once(strategy["allAtOnce"]);
  if (kind == "oneBox") out = read_one_box(strategy["oneBox"], context);
}

}  // namespace rollguard
