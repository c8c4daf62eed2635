#pragma once
// What `run` and `simulate` need beyond a valid manifest. They say it when they refuse one,
// and `validate` says the same beforehand (issue 21: validate passed a manifest without a
// stable version that run then refused).
#include <optional>
#include <string>

#include "manifests/rollout_spec.hpp"
#include "manifests/scenario_spec.hpp"

namespace rollguard::cli {

inline std::optional<std::string> run_refusal(const RolloutSpec& spec) {
  if (spec.stable) return std::nullopt;
  return "spec.stable.version is required for `rollguard run` (it keeps no store to remember "
         "the known-good version; use `serve` for that)";
}

inline std::optional<std::string> simulate_refusal(const ScenarioSpec& scenario) {
  if (scenario.rollout.stable) return std::nullopt;
  return "the rollout must name spec.stable.version for `rollguard simulate` (the version the "
         "simulated rollout starts from)";
}

}  // namespace rollguard::cli
