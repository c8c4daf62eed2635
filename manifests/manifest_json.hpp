#pragma once
// The manifest with every default filled in, in manifest shape (durations as canonical
// strings such as "1m30s"): what `rollguard validate --explain` prints. Parsing the output
// gives back an equal struct. Keys keep the manifest's order, hence ordered_json.
//
// A Scenario is written with its rollout inline (defaults and all), so the rollout file it
// named is not part of the output: parsing it back gives an empty rolloutPath.
#include <nlohmann/json.hpp>

#include "manifests/rollout_spec.hpp"
#include "manifests/scenario_spec.hpp"

namespace rollguard {

nlohmann::ordered_json to_json(const RolloutSpec& spec);
nlohmann::ordered_json to_json(const ScenarioSpec& spec);

}  // namespace rollguard
