#pragma once
// Every strategy compiles to one list of steps that one generic planner walks. The compiled
// step carries what it wants of the world (traffic, instances, preview route), so planning
// at any instant is a lookup, not a replay.
#include <optional>
#include <string>
#include <vector>

#include "manifests/rollout_spec.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

enum class AnalysisKind { Step, Background, PrePromotion, PostPromotion };
std::string_view to_string(AnalysisKind k);

struct Step {
  enum class Kind {
    SetWeight,  // done once the split is applied and the instances it needs are ready
    Pause,      // done when `duration` has passed; without one, on `promote`
    Analysis,   // done when the analysis run is Successful
    Bake,       // done when `duration` has passed and its analysis (if any) is Successful
  };
  Kind kind = Kind::SetWeight;
  std::optional<Duration> duration;
  std::vector<std::string> templates;
  AnalysisKind analysis = AnalysisKind::Step;
  bool viaPreview = false;  // the analysis reaches the new version through the preview route
  // What the world should look like while this step is current.
  TrafficSplit traffic;
  RoleCounts instances;
  bool preview = false;
  std::string label;  // "setWeight 25", "pause 30s", "analysis errors, latency"
};

struct Program {
  std::vector<Step> steps;
  std::size_t finalSwitch = 0;  // the step that puts 100% on the new version
  int fleet = 1;                // instances per role at full size
  std::optional<BackgroundAnalysis> background;
};

// Pure: the same spec always compiles to the same program.
Program compile_program(const RolloutSpec& spec);

// Instances per role at full size for a target (process: `instances`; static and command:
// the number of stable endpoints, at least 1).
int fleet_size(const TargetSpec& target);

}  // namespace rollguard
