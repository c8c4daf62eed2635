// The shapes of a Rollout and a Scenario (manifests/shape.hpp). docs/manifest.md explains
// each key at length; the descriptions here are the one-line versions editors show.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "manifests/enum_names.hpp"
#include "manifests/shape.hpp"

namespace rollguard {
namespace {

const std::string kNamePattern = "^[a-z0-9-]{1,63}$";
const std::string kHostPortPattern = R"(^(\[[^\]]+\]|[^:\[\]]+):[0-9]{1,5}$)";
const std::string kUrlPattern = "^https?://.+";
const std::string kHttpPathPattern = "^/";
const std::string kMethodPattern = "^[A-Z]+$";
const std::string kJsonPathPattern = R"(^\$)";
const std::string kHeaderNamePattern = "^[A-Za-z0-9_-]+$";

template <class E>
std::vector<std::string> names_of(const EnumTable<E>& table) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.push_back(entry.first);
  return out;
}

ValueSpec of_kind(ValueKind kind) {
  ValueSpec v;
  v.kind = kind;
  return v;
}

ValueSpec v_string(std::string pattern = {}, bool non_empty = true) {
  ValueSpec v = of_kind(ValueKind::String);
  v.pattern = std::move(pattern);
  v.non_empty = non_empty;
  return v;
}
ValueSpec v_bool() {
  return of_kind(ValueKind::Bool);
}
ValueSpec v_integer(double min, std::optional<double> max = std::nullopt) {
  ValueSpec v = of_kind(ValueKind::Integer);
  v.min = min;
  v.max = max;
  return v;
}
ValueSpec v_number(double min, double max, bool min_exclusive = false, bool max_exclusive = false) {
  ValueSpec v = of_kind(ValueKind::Number);
  v.min = min;
  v.max = max;
  v.min_exclusive = min_exclusive;
  v.max_exclusive = max_exclusive;
  return v;
}
ValueSpec v_duration() {
  return of_kind(ValueKind::Duration);
}
ValueSpec v_enum(std::vector<std::string> values) {
  ValueSpec v = of_kind(ValueKind::Enum);
  v.values = std::move(values);
  return v;
}
ValueSpec v_argv() {
  ValueSpec v = of_kind(ValueKind::Argv);
  v.non_empty = true;
  return v;
}
ValueSpec v_strings(bool non_empty, std::string pattern = {}) {
  ValueSpec v = of_kind(ValueKind::StringList);
  v.non_empty = non_empty;
  v.pattern = std::move(pattern);
  return v;
}
ValueSpec v_integers(double min, double max) {
  ValueSpec v = of_kind(ValueKind::IntegerList);
  v.min = min;
  v.max = max;
  v.non_empty = true;
  return v;
}
ValueSpec v_enums(std::vector<std::string> values) {
  ValueSpec v = of_kind(ValueKind::EnumList);
  v.values = std::move(values);
  v.non_empty = true;
  return v;
}
ValueSpec v_string_map() {
  return of_kind(ValueKind::StringMap);
}
ValueSpec v_port_range() {
  return of_kind(ValueKind::PortRange);
}
ValueSpec v_map(std::string shape) {
  ValueSpec v = of_kind(ValueKind::Map);
  v.shape = std::move(shape);
  return v;
}
ValueSpec v_maps(std::string shape, bool non_empty = false) {
  ValueSpec v = of_kind(ValueKind::MapList);
  v.shape = std::move(shape);
  v.non_empty = non_empty;
  return v;
}
ValueSpec v_any() {
  return of_kind(ValueKind::Any);
}
ValueSpec v_one_of(std::vector<ValueSpec> alternatives) {
  ValueSpec v = of_kind(ValueKind::OneOf);
  v.alternatives = std::move(alternatives);
  return v;
}

KeySpec opt(std::string name, ValueSpec value, std::string description) {
  return {std::move(name), std::move(value), false, std::move(description)};
}
KeySpec req(std::string name, ValueSpec value, std::string description) {
  return {std::move(name), std::move(value), true, std::move(description)};
}

Shape make_shape(std::string name, std::string description, std::vector<KeySpec> keys,
                 std::optional<KeyGroup> one_of = std::nullopt) {
  Shape s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.keys = std::move(keys);
  s.one_of = std::move(one_of);
  return s;
}

KeySpec api_version_key() {
  return req("apiVersion", v_enum({std::string(kApiVersion)}), "The manifest format's version.");
}

void add_rollout_shapes(std::vector<Shape>& out) {
  out.push_back(make_shape(
      "Rollout", "A change moved into production step by step, judged, and rolled back by itself.",
      {api_version_key(), req("kind", v_enum({"Rollout"}), "Always \"Rollout\"."),
       req("metadata", v_map("Metadata"), "Its name and labels."),
       req("spec", v_map("RolloutSpec"), "What to deploy, where, and how.")}));
  out.push_back(make_shape(
      "Metadata", "The manifest's name and labels.",
      {req("name", v_string(kNamePattern), "1 to 63 lowercase letters, digits and dashes."),
       opt("labels", v_string_map(), "Free-form string labels.")}));
  out.push_back(make_shape(
      "RolloutSpec", "The rollout: the versions, where they run, the traffic split, the steps.",
      {opt("stable", v_map("VersionRef"),
           "The known-good version (the server's last good one "
           "when absent)."),
       req("canary", v_map("VersionRef"), "The version being rolled out."),
       req("target", v_map("Target"), "Where the versions run."),
       opt("traffic", v_map("Traffic"), "How requests are split (builtin router by default)."),
       req("strategy", v_map("Strategy"), "How the canary takes over."),
       opt("analysis", v_map("Analysis"), "Analysis templates and background analysis."),
       opt("probes", v_maps("Probe"), "Health probes against every environment."),
       opt("rollback", v_map("Rollback"), "What failures, inconclusive and errored runs do."),
       opt("notifications", v_maps("Notification"), "Webhooks told of phase changes.")}));
  out.push_back(make_shape("VersionRef", "A version.",
                           {req("version", v_string(), "The version string, e.g. \"1.5.0\".")}));

  out.push_back(make_shape(
      "Strategy", "Exactly one strategy.",
      {opt("canary", v_map("CanaryStrategy"), "Weighted steps, pauses and analyses."),
       opt("blueGreen", v_map("BlueGreenStrategy"), "A parallel environment, then a switch."),
       opt("linear", v_map("LinearStrategy"), "Equal weight steps at a fixed interval."),
       opt("allAtOnce", v_map("AllAtOnceStrategy"), "Everything at once, then a bake."),
       opt("oneBox", v_map("OneBoxStrategy"), "One box takes a small share, then everything.")},
      KeyGroup{{"canary", "blueGreen", "linear", "allAtOnce", "oneBox"}, true}));
  out.push_back(make_shape(
      "CanaryStrategy", "A canary: the steps in order.",
      {opt("baseline", v_bool(), "Run a baseline of the stable version beside the canary."),
       req("steps", v_maps("CanaryStep", true), "setWeight, pause and analysis steps.")}));
  out.push_back(make_shape(
      "CanaryStep", "One step: exactly one of setWeight, pause or analysis.",
      {opt("setWeight", v_number(0, 100), "The canary's share of traffic in percent."),
       opt("pause", v_map("Pause"), "Wait for a duration, or until promoted."),
       opt("analysis", v_map("AnalysisRef"), "Run analysis templates and wait for verdicts.")},
      KeyGroup{{"setWeight", "pause", "analysis"}, true}));
  out.push_back(make_shape("Pause", "A pause; without a duration it waits for `rollguard promote`.",
                           {opt("duration", v_duration(), "How long to wait.")}));
  out.push_back(
      make_shape("AnalysisRef", "Analysis templates to run.",
                 {req("templates", v_strings(true), "Names from spec.analysis.templates.")}));
  out.push_back(make_shape(
      "BlueGreenStrategy", "Blue/green: the new version beside the old, then a switch.",
      {opt("autoPromote", v_bool(), "Switch without waiting for `rollguard promote`."),
       opt("prePromotionAnalysis", v_map("AnalysisRef"), "Analysis before the switch."),
       opt("postPromotionAnalysis", v_map("AnalysisRef"), "Analysis after the switch.")}));
  out.push_back(
      make_shape("LinearStrategy", "Linear: +stepWeight percent every interval.",
                 {opt("stepWeight", v_number(0, 100, true), "Percent added per step."),
                  opt("interval", v_duration(), "Time between steps (longer than 0s).")}));
  out.push_back(make_shape("AllAtOnceStrategy", "All at once, then a bake.",
                           {opt("bake", v_duration(), "How long to watch before success.")}));
  out.push_back(make_shape(
      "OneBoxStrategy", "One box first, then everything.",
      {opt("weight", v_number(0, 100, true), "The one box's share of traffic in percent."),
       opt("bake", v_duration(), "How long the one box is watched."),
       opt("analysis", v_map("AnalysisRef"), "Analysis while the one box runs.")}));
}

void add_target_shapes(std::vector<Shape>& out) {
  out.push_back(make_shape(
      "Target", "Exactly one target kind.",
      {opt("process", v_map("ProcessTarget"), "Local processes started by rollguard."),
       opt("static", v_map("RoleEndpoints"), "Already running instances at fixed addresses."),
       opt("command", v_map("CommandTarget"), "Your own deploy, ready and teardown commands.")},
      KeyGroup{{"process", "static", "command"}, true}));
  out.push_back(make_shape(
      "ProcessTarget", "Local processes, one per instance, on ports from portRange.",
      {req("command", v_argv(), "argv with {{version}}, {{port}}, {{role}}, ... templates."),
       opt("instances", v_integer(1, 1000), "Instances per environment."),
       opt("env", v_string_map(), "Extra environment variables."),
       opt("portRange", v_port_range(), "[first, last] ports the instances listen on."),
       opt("readiness", v_map("Readiness"), "When a started instance counts as ready.")}));
  out.push_back(
      make_shape("Readiness", "A readiness check for started instances.",
                 {opt("http", v_map("HttpCheck"), "An HTTP check that must pass."),
                  opt("timeout", v_duration(), "How long an instance may take to become ready.")}));
  out.push_back(
      make_shape("HttpCheck", "An HTTP request and the answer it expects.",
                 {opt("path", v_string(kHttpPathPattern), "The request path, starting with \"/\"."),
                  opt("method", v_string(kMethodPattern), "An uppercase HTTP method."),
                  opt("expectStatus", v_integers(100, 599), "Status codes that count as healthy."),
                  opt("headers", v_string_map(), "Request headers."),
                  opt("bodyContains", v_string({}, false), "Text the body must contain.")}));
  out.push_back(make_shape(
      "RoleEndpoints", "host:port addresses per environment.",
      {req("stable", v_strings(true, kHostPortPattern), "Where the stable version answers."),
       req("canary", v_strings(true, kHostPortPattern), "Where the canary answers."),
       opt("baseline", v_strings(true, kHostPortPattern),
           "Where the baseline answers (required when a baseline runs).")}));
  out.push_back(
      make_shape("CommandTarget", "Your own commands deploy and tear down each environment.",
                 {req("deploy", v_argv(), "Deploys {{version}} as {{role}}."),
                  opt("ready", v_argv(), "Exits 0 once the environment is ready."),
                  opt("teardown", v_argv(), "Removes an environment."),
                  opt("timeout", v_duration(), "How long each command may run."),
                  opt("endpoints", v_map("RoleEndpoints"), "Addresses, for the builtin router.")}));

  out.push_back(make_shape(
      "Traffic", "At most one router, and the preview header.",
      {opt("builtin", v_map("BuiltinRouter"), "rollguard's own HTTP proxy (the default)."),
       opt("haproxy", v_map("HaproxyRouter"), "HAProxy through its runtime API."),
       opt("nginx", v_map("NginxRouter"), "nginx: an upstream file and a reload."),
       opt("command", v_map("CommandRouter"), "Your own command sets the weights."),
       opt("none", v_map("NoRouter"), "No router: the split follows instance counts."),
       opt("previewHeader", v_string(kHeaderNamePattern),
           "A request header that always reaches the canary.")},
      KeyGroup{{"builtin", "haproxy", "nginx", "command", "none"}, false}));
  out.push_back(make_shape(
      "BuiltinRouter", "The built-in router.",
      {opt("listen", v_string(kHostPortPattern), "host:port to listen on (port 0: any)."),
       opt("admin", v_string(kHostPortPattern),
           "host:port of a standalone `rollguard router`'s admin API: drive that router "
           "instead of one inside the controller.")}));
  out.push_back(make_shape(
      "HaproxyRouter", "An HAProxy backend whose server weights rollguard sets.",
      {req("runtimeApi", v_string(R"(^(unix:.+|(\[[^\]]+\]|[^:\[\]]+):[0-9]{1,5})$)"),
           "\"unix:/path/to/socket\" or \"host:port\"."),
       req("backend", v_string(), "The backend's name."),
       req("servers", v_map("HaproxyServers"), "The backend's servers per environment.")}));
  out.push_back(make_shape("HaproxyServers", "HAProxy server names per environment.",
                           {req("stable", v_strings(true), "Servers of the stable version."),
                            req("canary", v_strings(true), "Servers of the canary."),
                            opt("baseline", v_strings(true), "Servers of the baseline.")}));
  out.push_back(
      make_shape("NginxRouter", "nginx: rollguard writes an upstream file and reloads.",
                 {req("upstreamFile", v_string(), "The file included by the nginx configuration."),
                  opt("reload", v_argv(), "The reload command.")}));
  out.push_back(make_shape("CommandRouter", "Your own command applies the weights.",
                           {req("setWeight", v_argv(),
                                "argv receiving {{weight}} (and {{canary}}, {{stable}}, ...).")}));
  out.push_back(make_shape("NoRouter", "No router.", {}));
}

void add_analysis_shapes(std::vector<Shape>& out) {
  out.push_back(make_shape(
      "Analysis", "Analysis templates, and which of them run in the background.",
      {opt("background", v_map("BackgroundAnalysis"), "Templates run through the whole rollout."),
       opt("templates", v_maps("AnalysisTemplate"), "The analysis templates.")}));
  out.push_back(
      make_shape("BackgroundAnalysis", "Analysis through the whole rollout.",
                 {req("templates", v_strings(true), "Names from spec.analysis.templates."),
                  opt("startingStep", v_integer(0), "The step (from 0) at which it starts.")}));
  out.push_back(make_shape(
      "AnalysisTemplate", "What to measure, how often, and how to judge it.",
      {req("name", v_string(kNamePattern), "The template's name."),
       opt("interval", v_duration(), "Time between measurements."),
       opt("count", v_integer(1), "How many measurements (unbounded when absent)."),
       opt("initialDelay", v_duration(), "Wait before the first measurement."),
       opt("failureLimit", v_integer(0), "Failed measurements tolerated."),
       opt("inconclusiveLimit", v_integer(0), "Inconclusive measurements tolerated."),
       opt("consecutiveErrorLimit", v_integer(0), "Errors in a row tolerated."),
       opt("minSamples", v_integer(1), "Requests a measurement needs to count."),
       opt("metric", v_map("Metric"), "A metric to measure."),
       opt("synthetic", v_map("Synthetic"), "A synthetic transaction to run."),
       opt("successCondition", v_string(), "A condition like \"result < 0.01\"."),
       opt("failureCondition", v_string(), "A condition that fails the measurement."),
       opt("compare", v_map("Compare"), "Compare the canary with the baseline or stable.")},
      KeyGroup{{"metric", "synthetic"}, true}));
  out.push_back(
      make_shape("Metric", "Exactly one metric source.",
                 {opt("builtin", v_map("BuiltinMetric"), "Measured by the builtin router."),
                  opt("prometheus", v_map("PrometheusMetric"), "A PromQL query."),
                  opt("web", v_map("WebMetric"), "A number from a JSON HTTP endpoint.")},
                 KeyGroup{{"builtin", "prometheus", "web"}, true}));
  out.push_back(
      make_shape("BuiltinMetric", "A metric of the builtin router.",
                 {req("query", v_enum(names_of(builtin_query_names())), "Which measurement.")}));
  out.push_back(
      make_shape("PrometheusMetric", "A Prometheus query.",
                 {opt("address", v_string(kUrlPattern), "The Prometheus server's URL."),
                  req("query", v_string(), "PromQL with {{name}}, {{version}}, {{role}}."),
                  opt("timeout", v_duration(), "How long a query may take.")}));
  out.push_back(make_shape(
      "WebMetric", "A number read from a JSON HTTP endpoint.",
      {req("url", v_string(kUrlPattern), "The URL, with {{name}}, {{version}}, {{role}}."),
       opt("jsonPath", v_string(kJsonPathPattern), "Where the number is, e.g. \"$.value\"."),
       opt("headers", v_string_map(), "Request headers ({{secret:ENV}} allowed)."),
       opt("timeout", v_duration(), "How long a request may take.")}));
  out.push_back(make_shape(
      "Compare", "Judge the canary against a reference environment.",
      {opt("against", v_enum(names_of(compare_against_names())), "The reference."),
       opt("judge", v_enum(names_of(judge_names())), "The statistical judge."),
       opt("direction", v_enum(names_of(direction_names())), "Which change is bad."),
       opt("allowedIncrease", v_number(1, 1e9), "Largest ratio tolerated (ratio judge)."),
       opt("allowedDecrease", v_number(0, 1, true), "Smallest ratio tolerated (ratio judge)."),
       opt("confidence", v_number(0, 1, true, true), "Confidence of the statistical test.")}));
  out.push_back(make_shape(
      "Synthetic", "A synthetic user transaction.",
      {req("steps", v_maps("SyntheticStep", true), "The HTTP requests in order."),
       opt("target", v_enum(names_of(synthetic_target_names())), "Which environment it calls."),
       opt("timeout", v_duration(), "How long the whole transaction may take.")}));
  out.push_back(
      make_shape("SyntheticStep", "One request of a transaction.",
                 {req("request", v_map("SyntheticRequest"), "The request."),
                  opt("expect", v_map("SyntheticExpect"), "What the answer must be."),
                  opt("capture", v_string_map(), "Variables from the answer: name: JSONPath.")}));
  out.push_back(make_shape(
      "SyntheticRequest", "An HTTP request; at most one of json and body.",
      {opt("method", v_string(kMethodPattern), "An uppercase HTTP method."),
       opt("path", v_string(kHttpPathPattern), "The path, with captured {{variables}}."),
       opt("headers", v_string_map(), "Request headers."), opt("json", v_any(), "A JSON body."),
       opt("body", v_string({}, false), "A text body.")},
      KeyGroup{{"json", "body"}, false}));
  out.push_back(make_shape(
      "SyntheticExpect", "What a synthetic step's answer must be.",
      {opt("status", v_integer(100, 599), "The status code."),
       opt("jsonPath", v_map("JsonPathExpectations"), "JSONPath: exists, absent or {equals}."),
       opt("bodyContains", v_string(), "Text the body must contain."),
       opt("latencyBelow", v_duration(), "The answer must come sooner.")}));
  Shape paths = make_shape("JsonPathExpectations", "JSONPath to an expectation.", {});
  paths.key_pattern = kJsonPathPattern;
  paths.other_values = v_one_of({v_enum({"exists", "absent"}), v_map("JsonPathEquals")});
  out.push_back(std::move(paths));
  out.push_back(make_shape("JsonPathEquals", "The value at the path must equal this one.",
                           {req("equals", v_any(), "The expected value.")}));
}

void add_probe_shapes(std::vector<Shape>& out) {
  out.push_back(make_shape(
      "Probe", "A health probe of every environment: exactly one of http, tcp and exec.",
      {req("name", v_string(kNamePattern), "The probe's name."),
       opt("http", v_map("HttpCheck"), "An HTTP check."),
       opt("tcp", v_map("TcpCheck"), "A TCP connect."),
       opt("exec", v_map("ExecCheck"), "A command that exits 0 when healthy."),
       opt("interval", v_duration(), "Time between probes."),
       opt("timeout", v_duration(), "How long one probe may take."),
       opt("failureThreshold", v_integer(1), "Failures in a row that fail the rollout.")},
      KeyGroup{{"http", "tcp", "exec"}, true}));
  out.push_back(make_shape("TcpCheck", "A TCP connect to each instance.", {}));
  out.push_back(make_shape("ExecCheck", "A command run per instance.",
                           {req("command", v_argv(), "argv with {{port}}, {{role}}, ...")}));
  const std::vector<std::string> actions = names_of(on_failure_names());
  out.push_back(
      make_shape("Rollback", "What a failed, inconclusive or errored analysis does.",
                 {opt("onFailure", v_enum(actions), "After a failed analysis."),
                  opt("onInconclusive", v_enum(actions), "After an inconclusive analysis."),
                  opt("onError", v_enum(actions), "After an analysis that errored."),
                  opt("keepPreviousFor", v_duration(), "How long the previous version stays up."),
                  opt("progressDeadline", v_duration(), "Longest time without progress.")}));
  out.push_back(make_shape("Notification", "A notification.",
                           {req("webhook", v_map("Webhook"), "A webhook.")}));
  out.push_back(make_shape(
      "Webhook", "An HTTP POST on phase changes.",
      {req("url", v_string(kUrlPattern), "Where to POST."),
       opt("events", v_enums(names_of(phase_names())), "The phases that are sent (all if absent)."),
       opt("format", v_enum(names_of(webhook_format_names())), "The body's format."),
       opt("headers", v_string_map(), "Request headers ({{secret:ENV}} allowed).")}));
}

void add_scenario_shapes(std::vector<Shape>& out) {
  out.push_back(make_shape(
      "Scenario", "A rollout against simulated versions on a virtual clock.",
      {api_version_key(), req("kind", v_enum({"Scenario"}), "Always \"Scenario\"."),
       req("metadata", v_map("Metadata"), "Its name and labels."),
       req("spec", v_map("ScenarioSpec"), "The rollout, the traffic and the versions.")}));
  out.push_back(
      make_shape("ScenarioSpec", "What is simulated.",
                 {req("rollout", v_one_of({v_string(), v_map("Rollout")}),
                      "A Rollout file's path (relative to the scenario) or an inline Rollout."),
                  req("traffic", v_one_of({v_map("ConstantTraffic"), v_maps("RateChange", true)}),
                      "{rps: N}, or a list of {at, rps} in time order."),
                  opt("duration", v_duration(), "The longest simulated time."),
                  opt("versions", v_map("ScenarioVersions"), "How each version behaves."),
                  opt("metricNoise", v_number(0, 1), "Relative noise on external metrics."),
                  opt("runs", v_integer(1, 100'000), "How many runs."),
                  opt("seed", v_integer(0), "The random seed.")}));
  out.push_back(make_shape("ConstantTraffic", "A constant request rate.",
                           {req("rps", v_number(0, 1e7), "Requests per second.")}));
  out.push_back(make_shape("RateChange", "A request rate from a time on.",
                           {req("at", v_duration(), "Since the start."),
                            req("rps", v_number(0, 1e7), "Requests per second.")}));
  out.push_back(make_shape("ScenarioVersions", "The simulated versions.",
                           {opt("stable", v_map("VersionBehaviour"), "The stable version."),
                            opt("canary", v_map("VersionBehaviour"), "The canary.")}));
  out.push_back(make_shape("VersionBehaviour", "How a simulated version answers.",
                           {opt("errorRate", v_number(0, 1), "Share of requests that fail."),
                            opt("latency", v_map("LatencyModel"), "Its latency."),
                            opt("faults", v_maps("Fault"), "Changes from a point in time.")}));
  out.push_back(make_shape(
      "LatencyModel", "Latency percentiles.",
      {opt("p50", v_duration(), "The median."), opt("p99", v_duration(), "The 99th percentile.")}));
  out.push_back(
      make_shape("Fault", "A change of behaviour at a time.",
                 {req("at", v_duration(), "When, since the version started."),
                  opt("errorRate", v_number(0, 1), "The new error rate."),
                  opt("latencyFactor", v_number(0, 1e6, true), "Latency multiplied by this."),
                  opt("crash", v_bool(), "The version's instances crash.")}));
}

std::vector<Shape> build_shapes() {
  std::vector<Shape> out;
  add_rollout_shapes(out);
  add_target_shapes(out);
  add_analysis_shapes(out);
  add_probe_shapes(out);
  add_scenario_shapes(out);
  // The scenario root second, so that shapes() starts with both roots.
  auto scenario =
      std::find_if(out.begin(), out.end(), [](const Shape& s) { return s.name == kScenarioShape; });
  std::rotate(out.begin() + 1, scenario, scenario + 1);
  return out;
}

}  // namespace

const KeySpec* Shape::find(std::string_view key) const {
  for (const KeySpec& k : keys)
    if (k.name == key) return &k;
  return nullptr;
}

std::vector<std::string> Shape::key_names() const {
  std::vector<std::string> out;
  for (const KeySpec& k : keys) out.push_back(k.name);
  return out;
}

bool Shape::accepts_empty() const {
  if (one_of && one_of->required) return false;
  return std::none_of(keys.begin(), keys.end(), [](const KeySpec& k) { return k.required; });
}

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> table = build_shapes();
  return table;
}

const Shape& shape(std::string_view name) {
  for (const Shape& s : shapes())
    if (s.name == name) return s;
  shape_invariant_broken("no manifest shape \"" + std::string(name) +
                         "\" in manifests/shape_table.cpp");
}

void shape_invariant_broken(const std::string& message) {
  std::fprintf(stderr, "rollguard: internal error: %s\n", message.c_str());
  std::abort();
}

}  // namespace rollguard
