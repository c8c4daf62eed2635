#pragma once
// A manifest file of either kind, told apart by its `kind`: "Scenario" is read as a Scenario,
// anything else (including a missing or misspelt kind) as a Rollout, whose reader then says
// what is wrong with the kind.
#include <string>
#include <variant>

#include "manifests/diagnostic.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/scenario_spec.hpp"

namespace rollguard {

struct ParsedManifest {
  std::variant<std::monostate, RolloutSpec, ScenarioSpec> value;  // monostate when invalid
  std::string kind;                                               // "Rollout" or "Scenario"
  Diagnostics diagnostics;
  bool ok() const { return !std::holds_alternative<std::monostate>(value); }
};

ParsedManifest load_manifest_file(const std::string& path);

}  // namespace rollguard
