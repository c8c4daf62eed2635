#include "controller/service/api_handlers.hpp"

#include <algorithm>
#include <charconv>

#include "controller/service/api_error.hpp"
#include "controller/service/api_json.hpp"
#include "controller/service/manifest_body.hpp"

namespace rollguard {
namespace {

using nlohmann::json;

ApiReply json_reply(int status, const json& body) {
  return ApiReply{status, body.dump(), "application/json", {}, 0};
}

const std::string& name_of(const ApiRequest& r) {
  return r.params.at("name");
}

bool flag(const ApiRequest& r, const std::string& key) {
  const auto it = r.query.find(key);
  return it != r.query.end() && (it->second == "true" || it->second == "1" || it->second.empty());
}

std::int64_t after_seq(const ApiRequest& r) {
  std::string text = r.last_event_id;
  if (const auto it = r.query.find("after"); it != r.query.end()) text = it->second;
  if (text.empty()) return 0;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0)
    throw BadRequest("InvalidQuery", "after: expected an event number, got \"" + text + "\"");
  return value;
}

ApiReply action_reply(const ActionResult& result, const std::string& name) {
  switch (result.error) {
    case ServiceError::NotFound:
      throw NotFound("NotFound",
                     result.reason.empty() ? "no rollout named \"" + name + "\"" : result.reason);
    case ServiceError::Conflict:
      throw Conflict("Conflict", result.reason);
    case ServiceError::StoreUnavailable:
      throw Unavailable("StoreUnavailable", result.reason);
    case ServiceError::None:
      break;
  }
  return json_reply(200, status_json(result.status, false));
}

ApiHandler act(RolloutService& service, Action action) {
  return [&service, action](const ApiRequest& r) {
    OperatorCommand command{action, action == Action::Promote && flag(r, "full"), r.caller.name};
    return action_reply(service.act(name_of(r), command), name_of(r));
  };
}

std::string_view outcome_name(ApplyOutcome o) {
  switch (o) {
    case ApplyOutcome::Created:
      return "Created";
    case ApplyOutcome::NewRevision:
      return "NewRevision";
    case ApplyOutcome::Updated:
      return "Updated";
    case ApplyOutcome::Unchanged:
      return "Unchanged";
  }
  return "Unchanged";
}

}  // namespace

std::vector<ApiRoute> api_routes(RolloutService& service,
                                 std::function<std::string()> metrics_text) {
  std::vector<ApiRoute> routes;
  routes.push_back({"GET", "/healthz", ApiRole::Anonymous, [](const ApiRequest&) {
                      return json_reply(200, json{{"status", "ok"}});
                    }});
  routes.push_back({"GET", "/readyz", ApiRole::Anonymous, [&service](const ApiRequest&) {
                      if (!service.ready())
                        throw Unavailable("NotReady",
                                          "the store is opening or rollouts are being re-adopted");
                      return json_reply(200, json{{"status", "ready"}});
                    }});
  routes.push_back({"GET", "/metrics", ApiRole::Viewer, [metrics_text](const ApiRequest&) {
                      return ApiReply{200, metrics_text(), "text/plain; version=0.0.4", {}, 0};
                    }});
  routes.push_back({"GET", "/v1/rollouts", ApiRole::Viewer, [&service](const ApiRequest&) {
                      std::vector<RolloutStatus> all = service.list();
                      std::sort(all.begin(), all.end(),
                                [](const auto& a, const auto& b) { return a.name < b.name; });
                      json items = json::array();
                      for (const RolloutStatus& s : all) items.push_back(status_json(s, false));
                      return json_reply(200, json{{"rollouts", std::move(items)}});
                    }});
  routes.push_back(
      {"PUT", "/v1/rollouts/{name}", ApiRole::Operator, [&service](const ApiRequest& r) {
         RolloutSpec spec = manifest_from_body(r.content_type, r.body);
         if (spec.metadata.name != name_of(r))
           throw Unprocessable("NameMismatch",
                               "metadata.name \"" + spec.metadata.name +
                                   "\" differs from the name in the URL \"" + name_of(r) + "\"",
                               {Diagnostic{{}, 0, 0, "metadata.name", "differs from the URL", {}}});
         ApplyResult result = service.apply(std::move(spec), r.caller.name);
         // Refused (no known-good version, the router cannot listen, shutting down): nothing
         // was applied, and the caller hears why.
         if (result.error == ServiceError::NotFound) throw NotFound("NotFound", result.reason);
         if (result.error == ServiceError::Conflict) throw Conflict("Conflict", result.reason);
         if (result.error == ServiceError::StoreUnavailable)
           throw Unavailable("StoreUnavailable", result.reason);
         return json_reply(result.outcome == ApplyOutcome::Created ? 201 : 200,
                           json{{"outcome", outcome_name(result.outcome)},
                                {"rollout", status_json(result.status, false)}});
       }});
  routes.push_back({"GET", "/v1/rollouts/{name}", ApiRole::Viewer, [&service](const ApiRequest& r) {
                      auto status = service.get(name_of(r));
                      if (!status)
                        throw NotFound("NotFound", "no rollout named \"" + name_of(r) + "\"");
                      return json_reply(200, status_json(*status, true));
                    }});
  routes.push_back(
      {"DELETE", "/v1/rollouts/{name}", ApiRole::Operator, [&service](const ApiRequest& r) {
         return action_reply(service.remove(name_of(r), r.caller.name), name_of(r));
       }});
  routes.push_back(
      {"GET", "/v1/rollouts/{name}/events", ApiRole::Viewer, [&service](const ApiRequest& r) {
         const std::int64_t after = after_seq(r);
         if (!service.get(name_of(r)) && service.history(name_of(r)).empty())
           throw NotFound("NotFound", "no rollout named \"" + name_of(r) + "\"");
         if (flag(r, "watch")) return ApiReply{200, {}, "text/event-stream", name_of(r), after};
         json events = json::array();
         for (const StoredEvent& e : service.history(name_of(r), after))
           events.push_back(event_json(e));
         return json_reply(200, json{{"events", std::move(events)}});
       }});
  routes.push_back({"GET", "/v1/replicas", ApiRole::Viewer, [&service](const ApiRequest&) {
                      // A server on its own has no replicas: an empty list, not an error.
                      const auto replicas = service.replicas().value_or(std::vector<ReplicaInfo>{});
                      json items = json::array();
                      for (const ReplicaInfo& r : replicas) {
                        json leases = json::array();
                        for (const ReplicaInfo::Lease& l : r.leases)
                          leases.push_back(json{{"rollout", l.rollout},
                                                {"epoch", l.epoch},
                                                {"expiresInMs", l.expiresIn.count()}});
                        items.push_back(json{{"id", r.id},
                                             {"api", r.api},
                                             {"heartbeatAgeMs", r.heartbeatAge.count()},
                                             {"rollouts", std::move(leases)}});
                      }
                      return json_reply(200, json{{"replicas", std::move(items)}});
                    }});
  const std::pair<const char*, Action> actions[] = {
      {"promote", Action::Promote}, {"abort", Action::Abort}, {"pause", Action::Pause},
      {"resume", Action::Resume},   {"retry", Action::Retry}, {"undo", Action::Undo}};
  for (const auto& [verb, action] : actions)
    routes.push_back({"POST", std::string("/v1/rollouts/{name}/") + verb, ApiRole::Operator,
                      act(service, action)});
  return routes;
}

}  // namespace rollguard
