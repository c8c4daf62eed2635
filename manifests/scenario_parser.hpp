#pragma once
// Parsing and validation of the v1 Scenario (simulation) manifest (docs/manifest.md, "Scenario").
// Its `spec.rollout` is an inline Rollout or a path relative to the scenario file; problems in a
// referenced rollout file are reported under that file's name.
#include <string>
#include <string_view>

#include "manifests/document.hpp"
#include "manifests/parsed.hpp"
#include "manifests/scenario_spec.hpp"

namespace rollguard {

// `base_dir` resolves a relative spec.rollout path (empty: the current directory).
Parsed<ScenarioSpec> parse_scenario(const Document& document, const std::string& base_dir);

// With no base_dir, a rollout path is relative to the directory of `file_label`.
Parsed<ScenarioSpec> parse_scenario_text(std::string_view text, Format format = Format::Auto,
                                         const std::string& file_label = {},
                                         const std::string& base_dir = {});

Parsed<ScenarioSpec> load_scenario_file(const std::string& path);

}  // namespace rollguard
