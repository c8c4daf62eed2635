#pragma once
// How rollouts and events look on the wire, both ways: the server writes them, the CLI client
// reads them back into the same structs the in-process `run` prints.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/service/rollout_service.hpp"
#include "manifests/duration.hpp"

namespace rollguard {

// The split as the API shows it everywhere (status, run's and the client's -o json lines):
// {"stable", "canary", "baseline"} in percent.
nlohmann::json traffic_json(const TrafficSplit& split);

// phase, step/steps (step: the 1-based number of events and "step 2/3" texts, 0 before the
// first step), traffic applied, versions, known-good, analyses with their verdicts
// ("Running" while they run), message, pause reason, revision, times. `with_spec` adds the
// manifest with every default filled in.
nlohmann::json status_json(const RolloutStatus& status, bool with_spec);

// One event: rollout, revision, seq, time (and timeMs), kind, phase, step, reason, actor.
nlohmann::json event_json(const StoredEvent& event);

// The reverse, for the client. Fields that are missing keep their defaults; nullopt when the
// object is not a rollout status / an event at all.
std::optional<RolloutState> state_from_json(const nlohmann::json& status);
std::optional<StoredEvent> event_from_json(const nlohmann::json& event);

}  // namespace rollguard
