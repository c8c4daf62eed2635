#include "manifests/manifest_file.hpp"

#include <filesystem>

#include "manifests/document.hpp"
#include "manifests/rollout_parser.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard {

ParsedManifest load_manifest_file(const std::string& path) {
  ParsedManifest out;
  out.kind = "Rollout";
  LoadedDocument loaded = load_document_file(path);
  if (!loaded.document) {
    out.diagnostics = std::move(loaded.diagnostics);
    return out;
  }
  const nlohmann::json& root = loaded.document->root();
  if (root.is_object() && root.value("kind", nlohmann::json()) == "Scenario") {
    out.kind = "Scenario";
    Parsed<ScenarioSpec> scenario =
        parse_scenario(*loaded.document, std::filesystem::path(path).parent_path().string());
    out.diagnostics = std::move(scenario.diagnostics);
    if (scenario.value) out.value = std::move(*scenario.value);
    return out;
  }
  Parsed<RolloutSpec> rollout = parse_rollout(*loaded.document);
  out.diagnostics = std::move(rollout.diagnostics);
  if (rollout.value) out.value = std::move(*rollout.value);
  return out;
}

}  // namespace rollguard
