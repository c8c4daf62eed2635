// Reads a Rollout document section by section, then checks what spans sections: template
// references, background.startingStep against the steps, and ports against each other.
#include "manifests/rollout_reader.hpp"

#include <algorithm>
#include <cmath>

#include "manifests/enum_names.hpp"

namespace rollguard {
namespace {

void read_background(const Cursor& at, BackgroundAnalysis& out, RolloutContext& context) {
  MapReader b(at, "BackgroundAnalysis");
  const Cursor templates = b.required("templates");
  if (read_string_list(templates, out.templates, false))
    for (std::size_t i = 0; i < out.templates.size(); ++i)
      context.template_refs.emplace_back(out.templates[i], templates.item(i));
  read_int(b["startingStep"], out.startingStep, 0);
}

void read_probe(const Cursor& at, ProbeSpec& out) {
  MapReader p(at, "Probe");
  const Cursor name = p.required("name");
  if (read_string(name, out.name, true)) check_name(name, out.name);
  const std::string kind = p.one_of();
  if (kind == "http") {
    HttpCheck http;
    read_http_check(p["http"], http);
    out.check = http;
  } else if (kind == "tcp") {
    MapReader tcp(p["tcp"], "TcpCheck");
    out.check = TcpCheck{};
  } else if (kind == "exec") {
    MapReader exec(p["exec"], "ExecCheck");
    ExecCheck check;
    read_argv(exec.required("command"), check.command, argv_templates());
    out.check = check;
  }
  read_duration(p["interval"], out.interval, true);
  read_duration(p["timeout"], out.timeout, true);
  read_int(p["failureThreshold"], out.failureThreshold, 1);
}

void read_probes(const Cursor& at, std::vector<ProbeSpec>& out) {
  read_list(at, out, [](const Cursor& item, ProbeSpec& probe) { read_probe(item, probe); });
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (!out[i].name.empty() && out[i].name == out[j].name) {
        at.item(i).child("name").error("duplicate probe name \"" + out[i].name + "\"");
        break;
      }
}

void read_rollback(const Cursor& at, RollbackPolicy& out) {
  MapReader r(at, "Rollback");
  read_enum(r["onFailure"], out.onFailure, on_failure_names());
  read_enum(r["onInconclusive"], out.onInconclusive, on_failure_names());
  read_enum(r["onError"], out.onError, on_failure_names());
  read_duration(r["keepPreviousFor"], out.keepPreviousFor);
  read_duration(r["progressDeadline"], out.progressDeadline, true);
}

void read_webhook(const Cursor& at, WebhookSpec& out) {
  MapReader w(at, "Webhook");
  const Cursor url = w.required("url");
  if (read_string(url, out.url)) check_url(url, out.url);
  const Cursor events = w["events"];
  if (events.present()) {
    std::vector<Phase> phases;
    bool ok = events.json().is_array() && !events.json().empty();
    if (events.json().is_array() && events.json().empty())
      events.error("must list at least one phase");
    read_list(events, phases, [&](const Cursor& item, Phase& phase) {
      ok = read_enum(item, phase, phase_names(), "phase") && ok;
    });
    if (ok) out.events = phases;
  }
  read_enum(w["format"], out.format, webhook_format_names());
  if (read_string_map(w["headers"], out.headers))
    for (const auto& [name, value] : out.headers)
      check_placeholders(w["headers"].child(name), value, {}, true);
}

void read_notifications(const Cursor& at, std::vector<WebhookSpec>& out) {
  read_list(at, out, [](const Cursor& item, WebhookSpec& webhook) {
    MapReader n(item, "Notification");
    read_webhook(n.required("webhook"), webhook);
  });
}

std::size_t step_count(const StrategySpec& strategy) {
  if (const auto* canary = std::get_if<CanaryStrategy>(&strategy)) return canary->steps.size();
  if (const auto* linear = std::get_if<LinearStrategy>(&strategy))
    return linear->stepWeight > 0 ? static_cast<std::size_t>(std::ceil(100 / linear->stepWeight))
                                  : 1;
  return 1;
}

void check_template_refs(const RolloutSpec& spec, const RolloutContext& context) {
  std::vector<std::string> names;
  for (const AnalysisTemplate& t : spec.templates)
    if (std::find(names.begin(), names.end(), t.name) == names.end()) names.push_back(t.name);
  for (const auto& [name, at] : context.template_refs) {
    if (spec.find_template(name)) continue;
    at.error("unknown analysis template \"" + name + "\": " +
                 (names.empty() ? std::string("spec.analysis.templates defines none")
                                : "spec.analysis.templates defines " + join_options(names, "and")),
             did_you_mean(name, names));
  }
}

void check_cross_sections(const MapReader& spec_map, const RolloutSpec& spec) {
  const Cursor spec_at = spec_map.cursor();
  if (spec.background) {
    const std::size_t steps = step_count(spec.strategy);
    if (static_cast<std::size_t>(spec.background->startingStep) >= steps) {
      const Cursor at = spec_at.child("analysis").child("background").child("startingStep");
      at.error("step " + std::to_string(spec.background->startingStep) +
               " does not exist: the strategy has " + std::to_string(steps) + " step" +
               (steps == 1 ? "" : "s") + ", numbered from 0");
    }
  }
  const Cursor traffic_at = spec_at.child("traffic");
  const Cursor target_at = spec_at.child("target");
  const auto* builtin = std::get_if<BuiltinRouter>(&spec.traffic.router);
  if (const auto* process = std::get_if<ProcessTarget>(&spec.target)) {
    const int ports = process->portLast - process->portFirst + 1;
    const int needed =
        process->instances * (std::holds_alternative<CanaryStrategy>(spec.strategy) &&
                                      std::get<CanaryStrategy>(spec.strategy).baseline
                                  ? 3
                                  : 2);
    if (ports < needed)
      target_at.child("process")
          .child("portRange")
          .error("holds " + std::to_string(ports) + " port" + (ports == 1 ? "" : "s") + " but " +
                 std::to_string(needed) + " are needed (instances per environment x environments)");
    // A listen address without a port is reported by its own rule.
    if (const std::size_t colon = builtin ? builtin->listen.rfind(':') : std::string::npos;
        colon != std::string::npos) {
      const int port = std::atoi(builtin->listen.c_str() + colon + 1);
      if (port >= process->portFirst && port <= process->portLast)
        traffic_at.child("builtin").child("listen").error(
            "port " + std::to_string(port) + " is inside spec.target.process.portRange [" +
            std::to_string(process->portFirst) + ", " + std::to_string(process->portLast) +
            "], where instances listen");
    }
  }
  if (const auto* command = std::get_if<CommandTarget>(&spec.target)) {
    if (builtin && (command->stable.empty() || command->canary.empty()) &&
        !target_at.child("command").child("endpoints").present())
      target_at.child("command").error(
          "missing key \"endpoints\": the builtin router needs the stable and canary addresses",
          "add endpoints: {stable: [\"host:port\"], canary: [\"host:port\"]}");
  }
  if (std::holds_alternative<NoRouter>(spec.traffic.router) &&
      !std::holds_alternative<CanaryStrategy>(spec.strategy))
    traffic_at.child("none").key_error(
        traffic_at,
        "traffic \"none\" splits by instance counts and works only with the canary "
        "strategy",
        "choose a router: builtin, haproxy, nginx or command");
}

void read_spec(const Cursor& at, RolloutSpec& out) {
  MapReader spec(at, "RolloutSpec");
  RolloutContext context;
  read_strategy(spec.required("strategy"), out.strategy, context);

  if (spec.has("stable")) {
    MapReader stable(spec["stable"], "VersionRef");
    std::string version;
    if (read_string(stable.required("version"), version)) out.stable = version;
  }
  MapReader canary(spec.required("canary"), "VersionRef");
  read_string(canary.required("version"), out.canary);

  read_target(spec.required("target"), out.target, context);
  read_traffic(spec["traffic"], out.traffic, context);

  MapReader analysis(spec["analysis"], "Analysis");
  read_templates(analysis["templates"], out.templates, context);
  if (analysis.has("background")) {
    BackgroundAnalysis background;
    read_background(analysis["background"], background, context);
    out.background = background;
  }
  read_probes(spec["probes"], out.probes);
  read_rollback(spec["rollback"], out.rollback);
  read_notifications(spec["notifications"], out.notifications);

  check_template_refs(out, context);
  check_cross_sections(spec, out);
}

}  // namespace

const std::vector<std::string>& argv_templates() {
  static const std::vector<std::string> names{"name", "version", "role",
                                              "port", "weight",  "instance"};
  return names;
}

void read_api_version_and_kind(const MapReader& root, std::string& api_version,
                               const std::string& kind) {
  const Cursor version_at = root.required("apiVersion");
  std::string version;
  if (read_string(version_at, version)) {
    if (version == kApiVersion)
      api_version = version;
    else
      version_at.error("unsupported apiVersion \"" + version + "\": expected \"" +
                       std::string(kApiVersion) + "\"");
  }
  const Cursor kind_at = root.required("kind");
  std::string written;
  if (read_string(kind_at, written) && written != kind)
    kind_at.error("expected kind \"" + kind + "\", got \"" + written + "\"",
                  did_you_mean(written, {kind}));
}

void read_metadata(const Cursor& at, Metadata& out) {
  MapReader m(at, "Metadata");
  const Cursor name = m.required("name");
  if (read_string(name, out.name, true)) check_name(name, out.name);
  read_string_map(m["labels"], out.labels);
}

void read_rollout(const Cursor& root, RolloutSpec& out) {
  if (root.present() && !root.json().is_object()) {
    root.error(
        "expected a Rollout manifest (a map with apiVersion, kind, metadata and spec), got " +
        root.describe());
    return;
  }
  MapReader r(root, kRolloutShape);
  read_api_version_and_kind(r, out.apiVersion, "Rollout");
  read_metadata(r.required("metadata"), out.metadata);
  read_spec(r.required("spec"), out);
}

}  // namespace rollguard
