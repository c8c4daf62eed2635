#include "strategies/program_builder.hpp"

#include <algorithm>
#include <cstdio>

#include "manifests/duration.hpp"

namespace rollguard {

std::string format_weight(double weight) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", weight);
  return buffer;
}

ProgramBuilder::ProgramBuilder(int fleet, bool baseline) : baseline_(baseline) {
  program_.fleet = fleet;
  instances_ = RoleCounts{fleet, fleet, baseline ? fleet : 0};
}

Step& ProgramBuilder::append(Step::Kind kind, std::string label) {
  Step& step = program_.steps.emplace_back();
  step.kind = kind;
  step.traffic = traffic_;
  step.instances = instances_;
  step.preview = preview_;
  step.label = std::move(label);
  return step;
}

void ProgramBuilder::set_weight(double weight, std::optional<int> canary_instances) {
  const double baseline = baseline_ ? std::min(weight, 100 - weight) : 0;
  traffic_ = TrafficSplit{100 - weight - baseline, weight, baseline};
  instances_.canary = canary_instances.value_or(program_.fleet);
  if (weight >= 100) instances_.baseline = 0;  // nothing left to compare against
  std::string label = "setWeight " + format_weight(weight);
  if (baseline > 0) label += " (baseline " + format_weight(baseline) + ")";
  append(Step::Kind::SetWeight, std::move(label));
}

void ProgramBuilder::pause(std::optional<Duration> duration) {
  Step& step = append(Step::Kind::Pause,
                      duration ? "pause " + format_duration(*duration) : "pause until promoted");
  step.duration = duration;
}

void ProgramBuilder::analysis(const AnalysisRef& ref, AnalysisKind kind) {
  std::string names;
  for (const auto& t : ref.templates) names += (names.empty() ? "" : ", ") + t;
  std::string label = kind == AnalysisKind::Step ? "" : std::string(to_string(kind)) + " ";
  Step& step = append(Step::Kind::Analysis, label + "analysis " + names);
  step.templates = ref.templates;
  step.analysis = kind;
  step.viaPreview = preview_ && traffic_.canary < 100;
}

void ProgramBuilder::bake(Duration duration, std::vector<std::string> templates) {
  std::string label = "bake " + format_duration(duration);
  if (!templates.empty()) label += " with analysis";
  Step& step = append(Step::Kind::Bake, std::move(label));
  step.duration = duration;
  step.templates = std::move(templates);
}

Program ProgramBuilder::finish(std::optional<BackgroundAnalysis> background) {
  if (program_.steps.empty() || traffic_.canary < 100) {
    preview_ = false;
    set_weight(100);
    program_.steps.back().label = "promote: 100% to the new version";
  }
  // The switch is the SetWeight that starts the final run of 100% steps (only a SetWeight
  // changes traffic, so the first step of that run is one).
  std::size_t i = program_.steps.size();
  while (i > 0 && program_.steps[i - 1].traffic.canary >= 100) --i;
  program_.finalSwitch = i;
  program_.background = std::move(background);
  return std::move(program_);
}

}  // namespace rollguard
