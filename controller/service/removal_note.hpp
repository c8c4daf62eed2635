#pragma once
// What `DELETE /v1/rollouts/{name}` (`rollguard delete NAME`) leaves behind, said truthfully:
// removing a rollout stops what rollguard itself runs for it (the process target's instances,
// the built-in router), like deleting an Argo Rollout deletes its ReplicaSets, and leaves
// alone what runs outside it (static or command targets' instances, external routers, which
// keep sending every request to the known-good version).
#include <string>

#include "manifests/rollout_spec.hpp"

namespace rollguard {

// The one line recorded as the rollout's last event and answered to the caller:
// "removed: no longer managed; ...". `rolled_back` says the removal aborted an active change.
std::string removal_note(const RolloutSpec& spec, const std::string& known_good, bool rolled_back);

}  // namespace rollguard
