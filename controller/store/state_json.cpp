#include "controller/store/state_json.hpp"

#include <array>

namespace rollguard {
namespace {

template <class E, std::size_t N>
std::optional<E> parse_enum(std::string_view s, const std::array<E, N>& all) {
  for (E e : all)
    if (to_string(e) == s) return e;
  return std::nullopt;
}

using json = nlohmann::json;

json counts(const RoleCounts& c) {
  return {{"stable", c.stable}, {"canary", c.canary}, {"baseline", c.baseline}};
}

json split(const TrafficSplit& t) {
  return {{"stable", t.stable}, {"canary", t.canary}, {"baseline", t.baseline}};
}

// Reads fields one by one; the first problem is kept and later reads are no-ops.
class Reader {
 public:
  explicit Reader(const json& j) : j_(j) {}

  template <class T>
  void get(const char* key, T& into) {
    if (!error_.empty()) return;
    auto it = j_.find(key);
    if (it == j_.end()) {
      error_ = std::string("missing \"") + key + "\"";
      return;
    }
    try {
      into = it->get<T>();
    } catch (const json::exception&) {
      error_ = std::string("\"") + key + "\" has the wrong type";
    }
  }

  void time(const char* key, TimePoint& into) {
    std::int64_t ms = 0;
    get(key, ms);
    into = from_millis(ms);
  }

  template <class E, class Parse>
  void enumeration(const char* key, E& into, Parse parse) {
    std::string text;
    get(key, text);
    if (!error_.empty()) return;
    if (auto e = parse(text)) {
      into = *e;
    } else {
      error_ = std::string("\"") + key + "\": unknown value \"" + text + "\"";
    }
  }

  // RoleCounts and TrafficSplit: {stable, canary, baseline}.
  template <class PerRole>
  void per_role(const char* key, PerRole& into) {
    json sub;
    get(key, sub);
    if (!error_.empty()) return;
    Reader r(sub);
    r.get("stable", into.stable);
    r.get("canary", into.canary);
    r.get("baseline", into.baseline);
    nested(key, r);
  }

  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  const std::string& error() const { return error_; }

 private:
  void nested(const char* key, const Reader& r) {
    if (!r.error_.empty()) error_ = std::string(key) + ": " + r.error_;
  }

  const json& j_;
  std::string error_;
};

}  // namespace

std::int64_t to_millis(TimePoint t) {
  return t.time_since_epoch().count();
}

TimePoint from_millis(std::int64_t ms) {
  return TimePoint{Duration{ms}};
}

std::optional<PauseReason> parse_pause_reason(std::string_view s) {
  using enum PauseReason;
  return parse_enum(s, std::array{None, Step, Operator, Inconclusive, Failure, Error});
}

std::optional<Verdict> parse_verdict(std::string_view s) {
  using enum Verdict;
  return parse_enum(s, std::array{Successful, Inconclusive, Error, Failed});
}

std::optional<EventKind> parse_event_kind(std::string_view s) {
  using enum EventKind;
  return parse_enum(s,
                    std::array{PhaseChanged, StepStarted, AnalysisCompleted, ActionApplied, Note});
}

json state_to_store_json(const RolloutState& s) {
  json verdicts = json::object();
  for (const auto& [id, v] : s.verdicts) verdicts[id] = std::string(to_string(v));
  return {{"phase", std::string(to_string(s.phase))},
          {"pause", std::string(to_string(s.pause))},
          {"knownGood", s.knownGood},
          {"stableVersion", s.stableVersion},
          {"canaryVersion", s.canaryVersion},
          {"step", s.step},
          {"attempt", s.attempt},
          {"backgroundAttempt", s.backgroundAttempt},
          {"skipToEnd", s.skipToEnd},
          {"undoing", s.undoing},
          {"startedAt", to_millis(s.startedAt)},
          {"stepStartedAt", to_millis(s.stepStartedAt)},
          {"lastProgressAt", to_millis(s.lastProgressAt)},
          {"rollbackStartedAt", to_millis(s.rollbackStartedAt)},
          {"completedAt", to_millis(s.completedAt)},
          {"ready", counts(s.ready)},
          {"applied", split(s.applied)},
          {"previewApplied", s.previewApplied},
          {"verdicts", verdicts},
          {"successfulMeasurements", s.successfulMeasurements},
          {"message", s.message}};
}

std::variant<RolloutState, std::string> state_from_store_json(const json& j) {
  if (!j.is_object()) return std::string("rollout state: not an object");
  RolloutState s;
  Reader r(j);
  r.enumeration("phase", s.phase, parse_phase);
  r.enumeration("pause", s.pause, parse_pause_reason);
  r.get("knownGood", s.knownGood);
  r.get("stableVersion", s.stableVersion);
  r.get("canaryVersion", s.canaryVersion);
  r.get("step", s.step);
  r.get("attempt", s.attempt);
  r.get("backgroundAttempt", s.backgroundAttempt);
  r.get("skipToEnd", s.skipToEnd);
  r.get("undoing", s.undoing);
  r.time("startedAt", s.startedAt);
  r.time("stepStartedAt", s.stepStartedAt);
  r.time("lastProgressAt", s.lastProgressAt);
  r.time("rollbackStartedAt", s.rollbackStartedAt);
  r.time("completedAt", s.completedAt);
  r.per_role("ready", s.ready);
  r.per_role("applied", s.applied);
  r.get("previewApplied", s.previewApplied);
  r.get("message", s.message);
  // Added with issue 22; a row written before has none, and nothing measured is what it
  // implies once its analyses start again on resume.
  if (j.contains("successfulMeasurements"))
    r.get("successfulMeasurements", s.successfulMeasurements);
  std::map<std::string, std::string> verdicts;
  r.get("verdicts", verdicts);
  for (const auto& [id, text] : verdicts) {
    if (auto v = parse_verdict(text)) {
      s.verdicts[id] = *v;
    } else {
      r.fail("verdicts." + id + ": unknown verdict \"" + text + "\"");
    }
  }
  if (!r.error().empty()) return "rollout state: " + r.error();
  return s;
}

}  // namespace rollguard
