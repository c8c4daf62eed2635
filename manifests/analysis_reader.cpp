// Reads spec.analysis.templates: measurement schedule and limits, the metric source, the
// conditions (parsed here so a bad expression is a validation error) and the compare judge.
#include <variant>

#include "manifests/condition.hpp"
#include "manifests/enum_names.hpp"
#include "manifests/rollout_reader.hpp"

namespace rollguard {
namespace {

const std::vector<std::string> kQueryTemplates{"name", "version", "role"};

MetricSource read_metric(const Cursor& at) {
  MapReader metric(at, "Metric");
  const std::string kind = metric.one_of();
  if (kind == "builtin") {
    MapReader b(metric["builtin"], "BuiltinMetric");
    BuiltinMetric out;
    read_enum(b.required("query"), out.query, builtin_query_names(), "builtin metric");
    return out;
  }
  if (kind == "prometheus") {
    MapReader p(metric["prometheus"], "PrometheusMetric");
    PrometheusMetric out;
    const Cursor address = p["address"];
    if (read_string(address, out.address)) check_url(address, out.address);
    const Cursor query = p.required("query");
    if (read_string(query, out.query)) check_placeholders(query, out.query, kQueryTemplates, false);
    read_duration(p["timeout"], out.timeout, true);
    return out;
  }
  if (kind == "web") {
    MapReader w(metric["web"], "WebMetric");
    WebMetric out;
    const Cursor url = w.required("url");
    if (read_string(url, out.url) && check_url(url, out.url))
      check_placeholders(url, out.url, kQueryTemplates, false);
    const Cursor json_path = w["jsonPath"];
    if (read_string(json_path, out.jsonPath) && !out.jsonPath.starts_with("$"))
      json_path.error("expected a JSONPath starting with \"$\", got \"" + out.jsonPath + "\"");
    if (read_string_map(w["headers"], out.headers))
      for (const auto& [name, value] : out.headers)
        check_placeholders(w["headers"].child(name), value, {}, true);
    read_duration(w["timeout"], out.timeout, true);
    return out;
  }
  return BuiltinMetric{};
}

CompareSpec read_compare(const Cursor& at, const RolloutContext& context) {
  MapReader c(at, "Compare");
  CompareSpec out;
  read_enum(c["against"], out.against, compare_against_names());
  read_enum(c["judge"], out.judge, judge_names());
  read_enum(c["direction"], out.direction, direction_names());
  read_number(c["allowedIncrease"], out.allowedIncrease, NumberRange{1, 1e9});
  read_number(c["allowedDecrease"], out.allowedDecrease, NumberRange{0, 1, true, false});
  read_number(c["confidence"], out.confidence, NumberRange{0, 1, true, true});
  if (out.against == CompareAgainst::Baseline && c.is_map()) {
    const Cursor where = c.has("against") ? c["against"] : at;
    require_baseline(where, context,
                     std::string(c.has("against") ? "compares against the baseline"
                                                  : "compares against the baseline (the default)"),
                     "write \"against: stable\", or set spec.strategy.canary.baseline: true");
  }
  return out;
}

void read_condition(const Cursor& at, std::optional<std::string>& out,
                    const RolloutContext& context) {
  std::string text;
  if (!read_string(at, text)) return;
  auto parsed = Condition::parse(text);
  if (const auto* error = std::get_if<ConditionParseError>(&parsed)) {
    at.error("column " + std::to_string(error->column) + ": " + error->message);
    return;
  }
  if (std::get<Condition>(parsed).uses_baseline())
    require_baseline(at, context, "uses `baseline`", "set spec.strategy.canary.baseline: true");
  out = text;
}

void read_template(const Cursor& at, AnalysisTemplate& out, const RolloutContext& context) {
  MapReader t(at, "AnalysisTemplate");
  const Cursor name = t.required("name");
  if (read_string(name, out.name, true)) check_name(name, out.name);
  Duration interval{};
  if (read_duration(t["interval"], interval, true)) out.interval = interval;
  int count = 0;
  if (read_int(t["count"], count, 1)) {
    out.count = count;
    if (count > 1 && !t.has("interval"))
      t["count"].error(std::to_string(count) + " measurements need an interval between them",
                       "add for example \"interval: 30s\"");
  }
  read_duration(t["initialDelay"], out.initialDelay);
  read_int(t["failureLimit"], out.failureLimit, 0);
  read_int(t["inconclusiveLimit"], out.inconclusiveLimit, 0);
  read_int(t["consecutiveErrorLimit"], out.consecutiveErrorLimit, 0);
  read_int(t["minSamples"], out.minSamples, 1);

  const std::string source = t.one_of();
  if (source == "metric") out.metric = read_metric(t["metric"]);
  if (source == "synthetic") {
    SyntheticSpec synthetic;
    read_synthetic(t["synthetic"], synthetic, context);
    out.synthetic = synthetic;
  }
  read_condition(t["successCondition"], out.successCondition, context);
  read_condition(t["failureCondition"], out.failureCondition, context);
  if (t.has("compare")) out.compare = read_compare(t["compare"], context);

  const bool judged = t.has("successCondition") || t.has("failureCondition") || t.has("compare");
  if (source == "metric" && !judged)
    at.error(
        "a metric template needs a successCondition, a failureCondition or a compare: "
        "without one no measurement can fail",
        "for example successCondition: \"result < 0.01\"");
}

}  // namespace

void read_templates(const Cursor& at, std::vector<AnalysisTemplate>& out,
                    const RolloutContext& context) {
  read_list(at, out,
            [&](const Cursor& item, AnalysisTemplate& t) { read_template(item, t, context); });
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (out[i].name.empty() || out[i].name != out[j].name) continue;
      at.item(i).child("name").error("duplicate template name \"" + out[i].name +
                                     "\": spec.analysis.templates[" + std::to_string(j) +
                                     "] already has it");
      break;
    }
  }
}

}  // namespace rollguard
