#include "controller/service/api_json.hpp"

#include "manifests/manifest_json.hpp"

namespace rollguard {
namespace {

using nlohmann::json;

template <class Enum, std::size_t N>
std::optional<Enum> parse_enum(const std::array<Enum, N>& values, std::string_view text) {
  for (Enum v : values)
    if (to_string(v) == text) return v;
  return std::nullopt;
}

constexpr std::array kVerdicts{Verdict::Successful, Verdict::Inconclusive, Verdict::Error,
                               Verdict::Failed};
constexpr std::array kPauseReasons{PauseReason::None,     PauseReason::Step,
                                   PauseReason::Operator, PauseReason::Inconclusive,
                                   PauseReason::Failure,  PauseReason::Error};
constexpr std::array kEventKinds{EventKind::PhaseChanged, EventKind::StepStarted,
                                 EventKind::AnalysisCompleted, EventKind::ActionApplied,
                                 EventKind::Note};

json time_json(TimePoint t) {
  return t == TimePoint{} ? json(nullptr) : json(format_time(t));
}

}  // namespace

json traffic_json(const TrafficSplit& s) {
  return json{{"stable", s.stable}, {"canary", s.canary}, {"baseline", s.baseline}};
}

json status_json(const RolloutStatus& status, bool with_spec) {
  const RolloutState& s = status.state;
  json analyses = json::array();
  for (const auto& [id, verdict] : s.verdicts)
    analyses.push_back(json{{"id", id}, {"verdict", to_string(verdict)}});
  for (const std::string& id : status.analysesRunning)
    if (!s.verdicts.contains(id)) analyses.push_back(json{{"id", id}, {"verdict", "Running"}});
  json out{
      {"name", status.name},
      {"revision", status.revision},
      {"phase", to_string(s.phase)},
      {"pauseReason", to_string(s.pause)},
      {"message", s.message},
      {"step", step_number(s)},
      {"steps", status.steps},
      {"knownGood", s.knownGood},
      {"stableVersion", s.stableVersion},
      {"canaryVersion", s.canaryVersion},
      {"traffic", traffic_json(s.applied)},
      {"previewApplied", s.previewApplied},
      {"ready",
       {{"stable", s.ready.stable}, {"canary", s.ready.canary}, {"baseline", s.ready.baseline}}},
      {"analyses", std::move(analyses)},
      {"startedAt", time_json(s.startedAt)},
      {"completedAt", time_json(s.completedAt)},
      {"updatedAt", time_json(status.updatedAt)},
      {"storeError", status.storeError.empty() ? json(nullptr) : json(status.storeError)},
      {"owner", status.owner.empty() ? json(nullptr) : json(status.owner)}};
  if (with_spec && status.spec) out["spec"] = json(to_json(*status.spec));
  return out;
}

json event_json(const StoredEvent& e) {
  return json{{"rollout", e.rollout},
              {"revision", e.revision},
              {"seq", e.seq},
              {"time", format_time(e.event.at)},
              {"timeMs", e.event.at.time_since_epoch().count()},
              {"kind", to_string(e.event.kind)},
              {"phase", to_string(e.event.phase)},
              {"step", e.event.step},
              {"reason", e.event.reason},
              {"actor", e.event.actor}};
}

std::optional<RolloutState> state_from_json(const json& j) {
  if (!j.is_object() || !j.contains("phase")) return std::nullopt;
  const auto phase = parse_phase(j.value("phase", ""));
  if (!phase) return std::nullopt;
  RolloutState s;
  s.phase = *phase;
  s.pause = parse_enum(kPauseReasons, j.value("pauseReason", "")).value_or(PauseReason::None);
  s.message = j.value("message", "");
  const auto number = j.value("step", std::size_t{0});
  s.step = number > 0 ? number - 1 : 0;  // the wire has the step's number, the state its index
  s.knownGood = j.value("knownGood", "");
  s.stableVersion = j.value("stableVersion", "");
  s.canaryVersion = j.value("canaryVersion", "");
  s.previewApplied = j.value("previewApplied", false);
  if (const auto t = j.find("traffic"); t != j.end() && t->is_object())
    s.applied =
        TrafficSplit{t->value("stable", 100.0), t->value("canary", 0.0), t->value("baseline", 0.0)};
  if (const auto a = j.find("analyses"); a != j.end() && a->is_array())
    for (const json& analysis : *a)
      if (auto v = parse_enum(kVerdicts, analysis.value("verdict", "")))
        s.verdicts[analysis.value("id", "")] = *v;
  return s;
}

std::optional<StoredEvent> event_from_json(const json& j) {
  if (!j.is_object() || !j.contains("seq")) return std::nullopt;
  const auto phase = parse_phase(j.value("phase", ""));
  const auto kind = parse_enum(kEventKinds, j.value("kind", ""));
  if (!phase || !kind) return std::nullopt;
  StoredEvent e;
  e.rollout = j.value("rollout", "");
  e.revision = j.value("revision", 0);
  e.seq = j.value("seq", std::int64_t{0});
  e.event.at = TimePoint{Duration{j.value("timeMs", std::int64_t{0})}};
  e.event.kind = *kind;
  e.event.phase = *phase;
  e.event.step = j.value("step", std::size_t{0});
  e.event.reason = j.value("reason", "");
  e.event.actor = j.value("actor", "");
  return e;
}

}  // namespace rollguard
