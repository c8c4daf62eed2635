#pragma once
// Parsing and validation of the v1 Rollout manifest (docs/manifest.md). Every problem in the
// document is reported at once, each with its dotted path, file:line:column and, where one
// is close, a did-you-mean hint. Nothing here throws.
#include <string>
#include <string_view>

#include "manifests/document.hpp"
#include "manifests/parsed.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

Parsed<RolloutSpec> parse_rollout(const Document& document);

// `file_label` names the input in diagnostics (may be empty, e.g. an API body) and, with
// Format::Auto, helps detect the format (see document.hpp).
Parsed<RolloutSpec> parse_rollout_text(std::string_view text, Format format = Format::Auto,
                                       const std::string& file_label = {});

Parsed<RolloutSpec> load_rollout_file(const std::string& path);

}  // namespace rollguard
