#include "controller/store/record_text.hpp"

#include "controller/store/state_json.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"

namespace rollguard {

std::string spec_text(const RolloutSpec& spec) {
  return to_json(spec).dump();
}

std::string state_text(const RolloutState& state) {
  return state_to_store_json(state).dump();
}

std::variant<RolloutSpec, std::string> spec_from_text(const std::string& text) {
  Parsed<RolloutSpec> parsed = parse_rollout_text(text, Format::Json);
  if (parsed.ok()) return *parsed.value;
  return "stored manifest: " + (parsed.diagnostics.empty()
                                    ? std::string("unreadable")
                                    : parsed.diagnostics.front().to_string());
}

std::variant<RolloutState, std::string> state_from_text(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::string("stored state: not JSON");
  return state_from_store_json(j);
}

}  // namespace rollguard
