#include "controller/service/webhook_payload.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "controller/service/api_json.hpp"
#include "strategies/program_builder.hpp"

namespace rollguard {

bool webhook_wants(const WebhookSpec& webhook, const StoredEvent& event) {
  return event.event.kind == EventKind::PhaseChanged &&
         std::find(webhook.events.begin(), webhook.events.end(), event.event.phase) !=
             webhook.events.end();
}

std::string webhook_payload(WebhookFormat format, const StoredEvent& e,
                            const RolloutStatus& status) {
  const RolloutState& s = status.state;
  if (format == WebhookFormat::Slack) {
    std::string text = "rollguard: *" + e.rollout + "* " + std::string(to_string(e.event.phase));
    if (!s.canaryVersion.empty()) text += " (" + s.canaryVersion;
    if (!s.knownGood.empty()) text += ", known-good " + s.knownGood;
    if (!s.canaryVersion.empty()) text += ")";
    text += ": " + e.event.reason + " — canary " + format_weight(s.applied.canary) + "% of traffic";
    return nlohmann::json{{"text", text}}.dump();
  }
  return nlohmann::json{{"rollout", e.rollout},
                        {"revision", e.revision},
                        {"seq", e.seq},
                        {"time", format_time(e.event.at)},
                        {"phase", to_string(e.event.phase)},
                        {"reason", e.event.reason},
                        {"actor", e.event.actor},
                        {"step", e.event.step},
                        {"canaryVersion", s.canaryVersion},
                        {"stableVersion", s.stableVersion},
                        {"knownGood", s.knownGood},
                        {"traffic",
                         {{"stable", s.applied.stable},
                          {"canary", s.applied.canary},
                          {"baseline", s.applied.baseline}}}}
      .dump();
}

}  // namespace rollguard
