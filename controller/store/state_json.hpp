#pragma once
// RolloutState and Event as JSON, for the store (and anyone who persists or ships them).
// Times are integer milliseconds since the epoch; enums are spelled as in events and the API.
// Reading is strict: a missing or mistyped field is an error with the field's name, so a
// damaged row is reported rather than resumed as a half-default state.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "controller/machine/event.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

nlohmann::json state_to_store_json(const RolloutState& state);
// The state, or why the document is not one.
std::variant<RolloutState, std::string> state_from_store_json(const nlohmann::json& j);

std::optional<PauseReason> parse_pause_reason(std::string_view s);
std::optional<Verdict> parse_verdict(std::string_view s);
std::optional<EventKind> parse_event_kind(std::string_view s);

std::int64_t to_millis(TimePoint t);
TimePoint from_millis(std::int64_t ms);

}  // namespace rollguard
