#include "manifests/manifest_json.hpp"

#include <cmath>

#include "manifests/duration.hpp"
#include "manifests/enum_names.hpp"
#include "manifests/overloaded.hpp"

namespace rollguard {
namespace {

using Json = nlohmann::ordered_json;

// Whole numbers are written as integers: `setWeight: 5`, not `5.0`.
Json number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 1e15)
    return static_cast<std::int64_t>(value);
  return value;
}

Json duration(Duration d) {
  return format_duration(d);
}

Json string_map(const StringMap& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

Json analysis_ref(const AnalysisRef& ref) {
  return Json{{"templates", ref.templates}};
}

Json http_check(const HttpCheck& http) {
  return Json{{"path", http.path},
              {"method", http.method},
              {"expectStatus", http.expectStatus},
              {"headers", string_map(http.headers)},
              {"bodyContains", http.bodyContains}};
}

// Empty role lists are left out: "none" is how they are read back.
void per_role(Json& out, const std::vector<std::string>& stable,
              const std::vector<std::string>& canary, const std::vector<std::string>& baseline) {
  out["stable"] = stable;
  out["canary"] = canary;
  if (!baseline.empty()) out["baseline"] = baseline;
}

Json target_json(const ProcessTarget& p) {
  Json readiness = Json::object();
  if (p.readiness.http) readiness["http"] = http_check(*p.readiness.http);
  readiness["timeout"] = duration(p.readiness.timeout);
  return Json{{"process",
               {{"command", p.command},
                {"instances", p.instances},
                {"env", string_map(p.env)},
                {"portRange", {p.portFirst, p.portLast}},
                {"readiness", readiness}}}};
}

Json target_json(const StaticTarget& s) {
  Json out = Json::object();
  per_role(out, s.stable, s.canary, s.baseline);
  return Json{{"static", out}};
}

Json target_json(const CommandTarget& c) {
  Json out{{"deploy", c.deploy}};
  if (!c.ready.empty()) out["ready"] = c.ready;
  if (!c.teardown.empty()) out["teardown"] = c.teardown;
  out["timeout"] = duration(c.timeout);
  if (!c.stable.empty() || !c.canary.empty()) {
    Json endpoints = Json::object();
    per_role(endpoints, c.stable, c.canary, c.baseline);
    out["endpoints"] = endpoints;
  }
  return Json{{"command", out}};
}

Json target(const TargetSpec& spec) {
  return std::visit([](const auto& t) { return target_json(t); }, spec);
}

Json traffic(const TrafficSpec& spec) {
  Json out = Json::object();
  std::visit(
      Overloaded{[&](const BuiltinRouter& b) {
                   out["builtin"] = Json{{"listen", b.listen}};
                   if (!b.admin.empty()) out["builtin"]["admin"] = b.admin;
                 },
                 [&](const HaproxyRouter& h) {
                   Json servers = Json::object();
                   per_role(servers, h.stable, h.canary, h.baseline);
                   out["haproxy"] = Json{
                       {"runtimeApi", h.runtimeApi}, {"backend", h.backend}, {"servers", servers}};
                 },
                 [&](const NginxRouter& n) {
                   out["nginx"] = Json{{"upstreamFile", n.upstreamFile}, {"reload", n.reload}};
                 },
                 [&](const CommandRouter& c) {
                   out["command"] = Json{{"setWeight", c.setWeight}};
                 },
                 [&](const NoRouter&) { out["none"] = Json::object(); }},
      spec.router);
  out["previewHeader"] = spec.previewHeader;
  return out;
}

Json canary_step(const CanaryStep& step) {
  return std::visit(Overloaded{[](const SetWeightStep& w) {
                                 return Json{{"setWeight", number(w.weight)}};
                               },
                               [](const PauseStep& p) {
                                 Json pause = Json::object();
                                 if (p.duration) pause["duration"] = duration(*p.duration);
                                 return Json{{"pause", pause}};
                               },
                               [](const AnalysisStep& a) {
                                 return Json{{"analysis", analysis_ref(a.analysis)}};
                               }},
                    step);
}

Json strategy_json(const CanaryStrategy& c) {
  Json steps = Json::array();
  for (const CanaryStep& step : c.steps) steps.push_back(canary_step(step));
  return Json{{"canary", {{"baseline", c.baseline}, {"steps", steps}}}};
}

Json strategy_json(const BlueGreenStrategy& b) {
  Json out{{"autoPromote", b.autoPromote}};
  if (b.prePromotionAnalysis) out["prePromotionAnalysis"] = analysis_ref(*b.prePromotionAnalysis);
  if (b.postPromotionAnalysis)
    out["postPromotionAnalysis"] = analysis_ref(*b.postPromotionAnalysis);
  return Json{{"blueGreen", out}};
}

Json strategy_json(const LinearStrategy& l) {
  return Json{
      {"linear", {{"stepWeight", number(l.stepWeight)}, {"interval", duration(l.interval)}}}};
}

Json strategy_json(const AllAtOnceStrategy& a) {
  return Json{{"allAtOnce", {{"bake", duration(a.bake)}}}};
}

Json strategy_json(const OneBoxStrategy& o) {
  Json out = Json::object();
  if (o.weight) out["weight"] = number(*o.weight);
  out["bake"] = duration(o.bake);
  if (o.analysis) out["analysis"] = analysis_ref(*o.analysis);
  return Json{{"oneBox", out}};
}

Json strategy(const StrategySpec& spec) {
  return std::visit([](const auto& s) { return strategy_json(s); }, spec);
}

Json metric_json(const BuiltinMetric& b) {
  return Json{{"builtin", {{"query", enum_name(builtin_query_names(), b.query)}}}};
}

Json metric_json(const PrometheusMetric& p) {
  return Json{{"prometheus",
               {{"address", p.address}, {"query", p.query}, {"timeout", duration(p.timeout)}}}};
}

Json metric_json(const WebMetric& w) {
  return Json{{"web",
               {{"url", w.url},
                {"jsonPath", w.jsonPath},
                {"headers", string_map(w.headers)},
                {"timeout", duration(w.timeout)}}}};
}

Json metric(const MetricSource& source) {
  return std::visit([](const auto& m) { return metric_json(m); }, source);
}

Json synthetic(const SyntheticSpec& spec) {
  Json steps = Json::array();
  for (const SyntheticStepSpec& step : spec.steps) {
    Json request{{"method", step.request.method},
                 {"path", step.request.path},
                 {"headers", string_map(step.request.headers)}};
    if (step.request.json) request["json"] = Json(*step.request.json);
    if (step.request.body) request["body"] = *step.request.body;
    Json expect = Json::object();
    if (step.expect.status) expect["status"] = *step.expect.status;
    if (!step.expect.jsonPath.empty()) {
      Json paths = Json::object();
      for (const auto& [path, e] : step.expect.jsonPath) {
        using Kind = JsonPathExpectation::Kind;
        paths[path] = e.kind == Kind::Exists   ? Json("exists")
                      : e.kind == Kind::Absent ? Json("absent")
                                               : Json{{"equals", Json(e.value)}};
      }
      expect["jsonPath"] = paths;
    }
    if (step.expect.bodyContains) expect["bodyContains"] = *step.expect.bodyContains;
    if (step.expect.latencyBelow) expect["latencyBelow"] = duration(*step.expect.latencyBelow);
    steps.push_back(
        Json{{"request", request}, {"expect", expect}, {"capture", string_map(step.capture)}});
  }
  Json out{{"steps", steps}};
  if (spec.target) out["target"] = enum_name(synthetic_target_names(), *spec.target);
  out["timeout"] = duration(spec.timeout);
  return out;
}

Json compare(const CompareSpec& c) {
  return Json{{"against", enum_name(compare_against_names(), c.against)},
              {"judge", enum_name(judge_names(), c.judge)},
              {"direction", enum_name(direction_names(), c.direction)},
              {"allowedIncrease", number(c.allowedIncrease)},
              {"allowedDecrease", number(c.allowedDecrease)},
              {"confidence", number(c.confidence)}};
}

Json analysis_template(const AnalysisTemplate& t) {
  Json out{{"name", t.name}};
  if (t.interval) out["interval"] = duration(*t.interval);
  if (t.count) out["count"] = *t.count;
  out["initialDelay"] = duration(t.initialDelay);
  out["failureLimit"] = t.failureLimit;
  out["inconclusiveLimit"] = t.inconclusiveLimit;
  out["consecutiveErrorLimit"] = t.consecutiveErrorLimit;
  out["minSamples"] = t.minSamples;
  if (t.metric) out["metric"] = metric(*t.metric);
  if (t.synthetic) out["synthetic"] = synthetic(*t.synthetic);
  if (t.successCondition) out["successCondition"] = *t.successCondition;
  if (t.failureCondition) out["failureCondition"] = *t.failureCondition;
  if (t.compare) out["compare"] = compare(*t.compare);
  return out;
}

Json probe(const ProbeSpec& p) {
  Json out{{"name", p.name}};
  if (const auto* http = std::get_if<HttpCheck>(&p.check))
    out["http"] = http_check(*http);
  else if (std::holds_alternative<TcpCheck>(p.check))
    out["tcp"] = Json::object();
  else
    out["exec"] = Json{{"command", std::get<ExecCheck>(p.check).command}};
  out["interval"] = duration(p.interval);
  out["timeout"] = duration(p.timeout);
  out["failureThreshold"] = p.failureThreshold;
  return out;
}

Json webhook(const WebhookSpec& w) {
  Json events = Json::array();
  for (Phase p : w.events) events.push_back(std::string(to_string(p)));
  return Json{{"webhook",
               {{"url", w.url},
                {"events", events},
                {"format", enum_name(webhook_format_names(), w.format)},
                {"headers", string_map(w.headers)}}}};
}

Json metadata(const Metadata& m) {
  return Json{{"name", m.name}, {"labels", string_map(m.labels)}};
}

Json version_behaviour(const VersionBehaviour& v) {
  Json faults = Json::array();
  for (const Fault& f : v.faults) {
    Json fault{{"at", duration(f.at)}};
    if (f.errorRate) fault["errorRate"] = number(*f.errorRate);
    if (f.latencyFactor) fault["latencyFactor"] = number(*f.latencyFactor);
    fault["crash"] = f.crash;
    faults.push_back(fault);
  }
  return Json{{"errorRate", number(v.errorRate)},
              {"latency", {{"p50", duration(v.latency.p50)}, {"p99", duration(v.latency.p99)}}},
              {"faults", faults}};
}

}  // namespace

Json to_json(const RolloutSpec& spec) {
  Json s = Json::object();
  if (spec.stable) s["stable"] = Json{{"version", *spec.stable}};
  s["canary"] = Json{{"version", spec.canary}};
  s["target"] = target(spec.target);
  s["traffic"] = traffic(spec.traffic);
  s["strategy"] = strategy(spec.strategy);
  Json analysis = Json::object();
  if (spec.background)
    analysis["background"] = Json{{"templates", spec.background->templates},
                                  {"startingStep", spec.background->startingStep}};
  Json templates = Json::array();
  for (const AnalysisTemplate& t : spec.templates) templates.push_back(analysis_template(t));
  analysis["templates"] = templates;
  s["analysis"] = analysis;
  Json probes = Json::array();
  for (const ProbeSpec& p : spec.probes) probes.push_back(probe(p));
  s["probes"] = probes;
  const RollbackPolicy& r = spec.rollback;
  s["rollback"] = Json{{"onFailure", enum_name(on_failure_names(), r.onFailure)},
                       {"onInconclusive", enum_name(on_failure_names(), r.onInconclusive)},
                       {"onError", enum_name(on_failure_names(), r.onError)},
                       {"keepPreviousFor", duration(r.keepPreviousFor)},
                       {"progressDeadline", duration(r.progressDeadline)}};
  Json notifications = Json::array();
  for (const WebhookSpec& w : spec.notifications) notifications.push_back(webhook(w));
  s["notifications"] = notifications;
  return Json{{"apiVersion", spec.apiVersion},
              {"kind", "Rollout"},
              {"metadata", metadata(spec.metadata)},
              {"spec", s}};
}

Json to_json(const ScenarioSpec& spec) {
  Json traffic = Json::array();
  for (const RateChange& r : spec.traffic)
    traffic.push_back(Json{{"at", duration(r.at)}, {"rps", number(r.rps)}});
  Json s{{"rollout", to_json(spec.rollout)},
         {"traffic", traffic},
         {"duration", duration(spec.duration)},
         {"versions",
          {{"stable", version_behaviour(spec.stable)}, {"canary", version_behaviour(spec.canary)}}},
         {"metricNoise", number(spec.metricNoise)},
         {"runs", spec.runs},
         {"seed", spec.seed}};
  return Json{{"apiVersion", spec.apiVersion},
              {"kind", "Scenario"},
              {"metadata", metadata(spec.metadata)},
              {"spec", s}};
}

}  // namespace rollguard
