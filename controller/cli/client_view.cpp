#include "controller/cli/client_view.hpp"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "controller/cli/commands.hpp"
#include "controller/service/api_json.hpp"
#include "manifests/rollout_parser.hpp"
#include "strategies/planner.hpp"

namespace rollguard::cli {
namespace {

using nlohmann::json;

json parse_or_null(const std::string& body) {
  return json::parse(body, nullptr, false);  // discarded (is_discarded) when not JSON
}

std::string traffic_text(const json& status) {
  const json t = status.value("traffic", json::object());
  std::ostringstream out;
  out << t.value("stable", 0.0) << "/" << t.value("canary", 0.0);
  if (t.value("baseline", 0.0) > 0) out << "/" << t.value("baseline", 0.0);
  return out.str();
}

}  // namespace

bool read_text_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

int ClientView::refused(const ClientResponse& r, const std::string& file) {
  const json body = parse_or_null(r.body);
  const json error = body.is_object() ? body.value("error", json::object()) : json::object();
  if (json_) {
    out_ << (body.is_discarded() ? json{{"status", r.status}, {"body", r.body}} : body).dump()
         << std::endl;
  } else if (error.contains("details") && error["details"].is_array()) {
    for (const json& d : error["details"]) {
      std::string where = file;
      if (d.value("line", 0) > 0)
        where +=
            ":" + std::to_string(d.value("line", 0)) + ":" + std::to_string(d.value("column", 0));
      err_ << (where.empty() ? "" : where + ": ") << d.value("path", "") << ": "
           << d.value("message", "") << (d.contains("hint") ? " (" + d.value("hint", "") + ")" : "")
           << "\n";
    }
  } else {
    err_ << "HTTP " << r.status << " " << error.value("code", "") << ": "
         << error.value("message", r.body) << "\n";
  }
  return r.status >= 500 ? kFailed : kUsage;
}

int ClientView::applied(const ClientResponse& r) {
  const json body = parse_or_null(r.body);
  const json rollout = body.value("rollout", json::object());
  if (json_)
    out_ << body.dump() << std::endl;
  else
    out_ << rollout.value("name", "") << ": " << body.value("outcome", "") << " (revision "
         << rollout.value("revision", 0) << ", " << rollout.value("phase", "") << ")" << std::endl;
  return rollout.value("revision", 0);
}

void ClientView::list(const ClientResponse& r) {
  const json body = parse_or_null(r.body);
  const json items = body.value("rollouts", json::array());
  if (json_) {
    for (const json& item : items) out_ << item.dump() << "\n";
    out_.flush();
    return;
  }
  out_ << std::left << std::setw(24) << "NAME" << std::setw(13) << "PHASE" << std::setw(8) << "STEP"
       << std::setw(14) << "CANARY" << std::setw(14) << "KNOWN-GOOD" << std::setw(14) << "TRAFFIC"
       << "MESSAGE\n";
  for (const json& s : items)
    out_ << std::left << std::setw(24) << s.value("name", "") << std::setw(13)
         << s.value("phase", "") << std::setw(8)
         << (std::to_string(s.value("step", 0)) + "/" + std::to_string(s.value("steps", 0)))
         << std::setw(14) << s.value("canaryVersion", "") << std::setw(14)
         << s.value("knownGood", "") << std::setw(14) << traffic_text(s) << s.value("message", "")
         << "\n";
  out_.flush();
}

void ClientView::status(const ClientResponse& r) {
  const json s = parse_or_null(r.body);
  if (json_) {
    out_ << s.dump() << std::endl;
    return;
  }
  out_ << "Name:        " << s.value("name", "") << " (revision " << s.value("revision", 0) << ")\n"
       << "Phase:       " << s.value("phase", "");
  if (const std::string why = s.value("pauseReason", ""); !why.empty()) out_ << " (" << why << ")";
  out_ << "\nStep:        " << s.value("step", 0) << "/" << s.value("steps", 0) << "\n"
       << "Canary:      " << s.value("canaryVersion", "") << "\n"
       << "Stable:      " << s.value("stableVersion", "") << "\n"
       << "Known-good:  " << s.value("knownGood", "") << "\n"
       << "Traffic:     stable/canary/baseline " << traffic_text(s) << "\n"
       << "Message:     " << s.value("message", "") << "\n";
  const json analyses = s.value("analyses", json::array());
  if (!analyses.empty()) {
    out_ << "Analyses:\n";
    // Named by their templates and step, from the manifest the status carries; an id the
    // manifest does not explain is shown as it is.
    std::optional<Planner> planner;
    if (s.contains("spec"))
      if (Parsed<RolloutSpec> spec = parse_rollout_text(s["spec"].dump(), Format::Json); spec.ok())
        planner.emplace(*spec.value);
    for (const json& a : analyses) {
      const std::string id = a.value("id", "");
      std::optional<AnalysisLabel> label;
      if (planner) label = planner->label_of(id);
      std::string names;
      for (const std::string& t : label ? label->templates : std::vector<std::string>{})
        names += (names.empty() ? "" : ", ") + t;
      out_ << "  " << std::left << std::setw(24) << (label ? names : id) << " " << std::setw(20)
           << (label ? label->where : "") << " " << a.value("verdict", "") << "\n";
    }
  }
  out_.flush();
}

int ClientView::revision_of(const ClientResponse& r) {
  return parse_or_null(r.body).value("revision", 0);
}

void ClientView::history(const std::string& name, const ClientResponse& r) {
  const json body = parse_or_null(r.body);
  RolloutState state;
  for (const json& item : body.value("events", json::array()))
    if (auto e = event_from_json(item)) {
      state.phase = e->event.phase;
      event(name, e->event, state);
    }
}

void ClientView::acted(const std::string& verb, const std::string& name, const ClientResponse& r) {
  const json s = parse_or_null(r.body);
  if (json_)
    out_ << s.dump() << std::endl;
  else if (verb == "delete")  // the message says what the removal stops and what it leaves
    out_ << name << ": " << s.value("message", "") << std::endl;
  else
    out_ << name << ": " << verb << " accepted; " << s.value("phase", "") << ": "
         << s.value("message", "") << std::endl;
}

int follow(ApiClient& client, ClientView& view, const std::string& name, int revision,
           std::optional<Duration> timeout, bool success_on_pause) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (timeout) deadline = started + *timeout;
  const std::string base = "/v1/rollouts/" + name;

  auto current_state = [&](RolloutState& state) {
    ClientResponse r = client.request("GET", base);
    if (r.status != 200) return false;
    if (auto s = state_from_json(parse_or_null(r.body))) state = *s;
    return true;
  };

  // History first, then the status: a terminal phase reached after the history was read is
  // in the stream that starts after it.
  ClientResponse h = client.request("GET", base + "/events");
  if (h.status != 200) return view.refused(h, {});
  RolloutState state;
  if (!current_state(state)) return kFailed;
  std::int64_t last = 0;
  for (const json& item : parse_or_null(h.body).value("events", json::array()))
    if (auto e = event_from_json(item)) {
      last = std::max(last, e->seq);
      if (e->revision >= revision) view.event(name, e->event, state);
    }
  if (is_terminal(state.phase)) {
    view.summary(name, state, exit_code_for(state.phase));
    return exit_code_for(state.phase);
  }
  if (success_on_pause && reached_step_pause(state)) {
    view.summary(name, state, kSucceeded);
    return kSucceeded;
  }

  std::optional<Phase> ended;
  bool paused = false;
  ClientResponse refused;
  const auto end = client.stream(
      base + "/events?watch=true&after=" + std::to_string(last),
      [&](const SseMessage& m) {
        const json data = parse_or_null(m.data);
        auto e = event_from_json(data);
        if (!e || e->revision < revision) return true;
        if (data.contains("status"))
          if (auto s = state_from_json(data["status"])) state = *s;
        state.phase = e->event.phase;
        view.event(name, e->event, state);
        if (e->event.kind == EventKind::PhaseChanged && is_terminal(e->event.phase)) {
          ended = e->event.phase;
          return false;
        }
        paused = success_on_pause && reached_step_pause(state);
        return !paused;
      },
      deadline, &refused);
  if (refused.status != 0) return view.refused(refused, {});
  current_state(state);
  int code = kFailed;  // the stream ended without an end: the controller went away
  if (paused)
    code = kSucceeded;
  else if (ended)
    code = exit_code_for(*ended);
  else if (end == ApiClient::StreamEnd::TimedOut)
    code = kTimedOut;
  view.summary(name, state, code);
  return code;
}

}  // namespace rollguard::cli
