#pragma once
// How a rollout's spec and state are kept in a text column (JSON), for every store engine.
// Reading reports why a value cannot be used instead of guessing, so a damaged row is listed
// as unreadable rather than resumed half-default.
#include <string>
#include <variant>

#include "manifests/rollout_spec.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

std::string spec_text(const RolloutSpec& spec);
std::string state_text(const RolloutState& state);
std::variant<RolloutSpec, std::string> spec_from_text(const std::string& text);
std::variant<RolloutState, std::string> state_from_text(const std::string& text);

}  // namespace rollguard
