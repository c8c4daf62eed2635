#pragma once
// What a webhook receives for a rollout event: a JSON object (format json) or a message a
// Slack incoming webhook accepts, {"text": "..."} (format slack).
#include <string>

#include "controller/service/rollout_service.hpp"

namespace rollguard {

// Whether `webhook` wants this event: a phase change into one of its events' phases.
bool webhook_wants(const WebhookSpec& webhook, const StoredEvent& event);

std::string webhook_payload(WebhookFormat format, const StoredEvent& event,
                            const RolloutStatus& status);

}  // namespace rollguard
