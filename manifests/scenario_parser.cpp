#include "manifests/scenario_parser.hpp"

#include <algorithm>
#include <filesystem>

#include "manifests/diagnostics_order.hpp"
#include "manifests/duration.hpp"
#include "manifests/rollout_parser.hpp"
#include "manifests/rollout_reader.hpp"

namespace rollguard {
namespace {

const NumberRange kRate{0, 1};

void read_latency(const Cursor& at, LatencyModel& out) {
  MapReader l(at, "LatencyModel");
  const bool p50 = read_duration(l["p50"], out.p50, true);
  const bool p99 = read_duration(l["p99"], out.p99, true);
  if ((p50 || p99) && out.p50 > out.p99)
    at.error("p50 " + format_duration(out.p50) + " is above p99 " + format_duration(out.p99),
             "the 50th percentile cannot be slower than the 99th");
}

void read_fault(const Cursor& at, Fault& out) {
  MapReader f(at, "Fault");
  read_duration(f.required("at"), out.at);
  double value = 0;
  if (read_number(f["errorRate"], value, kRate)) out.errorRate = value;
  if (read_number(f["latencyFactor"], value, NumberRange{0, 1e6, true, false}))
    out.latencyFactor = value;
  read_bool(f["crash"], out.crash);
  if (f.is_map() && !f.has("errorRate") && !f.has("latencyFactor") && !f.has("crash"))
    at.error("a fault changes nothing: set errorRate, latencyFactor or crash: true");
}

void read_version(const Cursor& at, VersionBehaviour& out) {
  MapReader v(at, "VersionBehaviour");
  read_number(v["errorRate"], out.errorRate, kRate);
  read_latency(v["latency"], out.latency);
  read_list(v["faults"], out.faults, [](const Cursor& c, Fault& f) { read_fault(c, f); });
}

void read_traffic(const Cursor& at, std::vector<RateChange>& out) {
  if (!at.present()) return;
  if (at.json().is_object()) {
    MapReader constant(at, "ConstantTraffic");
    RateChange rate;
    read_number(constant.required("rps"), rate.rps, NumberRange{0, 1e7});
    out = {rate};
    return;
  }
  if (!at.json().is_array()) {
    at.error("expected {rps: N} or a list of {at: DURATION, rps: N}, got " + at.describe());
    return;
  }
  if (at.json().empty()) at.error("must list at least one {at, rps}");
  read_list(at, out, [](const Cursor& item, RateChange& rate) {
    MapReader r(item, "RateChange");
    read_duration(r.required("at"), rate.at);
    read_number(r.required("rps"), rate.rps, NumberRange{0, 1e7});
  });
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Cursor when = at.item(i).child("at");
    if (i == 0 && out[0].at != 0s && when.present())
      when.error("the first rate must start at 0s, so the rate is known from the beginning");
    if (i > 0 && out[i].at <= out[i - 1].at && when.present())
      when.error("must come after the previous entry's at (list the rates in time order)");
  }
}

// A rollout referenced by path is parsed as its own file; its problems carry its name.
void read_rollout_reference(const Cursor& at, ScenarioSpec& out, const std::string& base_dir,
                            Diagnostics& referenced) {
  if (!read_string(at, out.rolloutPath)) return;
  std::filesystem::path path(out.rolloutPath);
  if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
  const std::string label = path.lexically_normal().string();
  LoadedDocument loaded = load_document_file(label);
  if (!loaded.document) {
    if (!loaded.diagnostics.empty() && loaded.diagnostics.front().line == 0) {
      at.error("cannot read the rollout \"" + out.rolloutPath + "\" (looked for " + label + "): " +
                   loaded.diagnostics.front().message.substr(
                       loaded.diagnostics.front().message.find(": ") + 2),
               "the path is relative to the scenario file");
      return;
    }
    referenced = std::move(loaded.diagnostics);
    return;
  }
  Parsed<RolloutSpec> rollout = parse_rollout(*loaded.document);
  if (rollout.value) out.rollout = std::move(*rollout.value);
  referenced = std::move(rollout.diagnostics);
}

void read_spec(const Cursor& at, ScenarioSpec& out, const std::string& base_dir,
               Diagnostics& referenced) {
  MapReader spec(at, "ScenarioSpec");
  const Cursor rollout = spec.required("rollout");
  if (rollout.present() && rollout.json().is_object())
    read_rollout(rollout, out.rollout);
  else if (rollout.present() && rollout.json().is_string())
    read_rollout_reference(rollout, out, base_dir, referenced);
  else if (rollout.present())
    rollout.error("expected a path to a Rollout file or an inline Rollout, got " +
                  rollout.describe());
  read_traffic(spec.required("traffic"), out.traffic);
  read_duration(spec["duration"], out.duration, true);
  MapReader versions(spec["versions"], "ScenarioVersions");
  read_version(versions["stable"], out.stable);
  read_version(versions["canary"], out.canary);
  read_number(spec["metricNoise"], out.metricNoise, kRate);
  read_int(spec["runs"], out.runs, 1, 100'000);
  read_uint64(spec["seed"], out.seed);
}

}  // namespace

Parsed<ScenarioSpec> parse_scenario(const Document& document, const std::string& base_dir) {
  Parsed<ScenarioSpec> out;
  ScenarioSpec scenario;
  Diagnostics referenced;
  Cursor root(document, out.diagnostics);
  if (!root.json().is_object()) {
    root.error(
        "expected a Scenario manifest (a map with apiVersion, kind, metadata and spec), "
        "got " +
        root.describe());
  } else {
    MapReader r(root, kScenarioShape);
    read_api_version_and_kind(r, scenario.apiVersion, "Scenario");
    read_metadata(r.required("metadata"), scenario.metadata);
    read_spec(r.required("spec"), scenario, base_dir, referenced);
  }
  sort_diagnostics(out.diagnostics);
  out.diagnostics.insert(out.diagnostics.end(), referenced.begin(), referenced.end());
  if (out.diagnostics.empty()) out.value = std::move(scenario);
  return out;
}

Parsed<ScenarioSpec> parse_scenario_text(std::string_view text, Format format,
                                         const std::string& file_label,
                                         const std::string& base_dir) {
  LoadedDocument loaded = load_document(text, format, file_label);
  if (!loaded.document) return {std::nullopt, std::move(loaded.diagnostics)};
  const std::string dir =
      base_dir.empty() ? std::filesystem::path(file_label).parent_path().string() : base_dir;
  return parse_scenario(*loaded.document, dir);
}

Parsed<ScenarioSpec> load_scenario_file(const std::string& path) {
  LoadedDocument loaded = load_document_file(path);
  if (!loaded.document) return {std::nullopt, std::move(loaded.diagnostics)};
  return parse_scenario(*loaded.document, std::filesystem::path(path).parent_path().string());
}

}  // namespace rollguard
