#include "health/providers/prometheus/prometheus_provider.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "health/net/http_fetch.hpp"
#include "health/providers/query_template.hpp"
#include "health/text.hpp"

namespace rollguard {

namespace {

using nlohmann::json;

// Prometheus writes sample values as strings: "1.5", "NaN", "+Inf", "-Inf".
std::optional<double> parse_sample_value(const json& sample) {
  if (!sample.is_array() || sample.size() != 2 || !sample[1].is_string()) return std::nullopt;
  std::string_view text = sample[1].get_ref<const std::string&>();
  if (text.starts_with('+')) text.remove_prefix(1);  // from_chars takes no '+'
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string api_error(const json& doc) {
  std::string out;
  if (doc.contains("errorType") && doc["errorType"].is_string())
    out = doc["errorType"].get<std::string>() + ": ";
  if (doc.contains("error") && doc["error"].is_string()) out += doc["error"].get<std::string>();
  return out;
}

MetricReading parse_vector(const json& result) {
  if (!result.is_array()) return MetricReading::failure("vector result is not a list");
  // Usually a rate of something that has not happened yet (no errors): say the fix.
  if (result.empty())
    return MetricReading::failure(
        "empty vector: the query matched no series (when none is a valid answer, such as no "
        "errors yet, end the query with `or vector(0)`)");
  std::vector<std::pair<std::string, double>> series;
  for (const json& s : result) {
    if (!s.is_object() || !s.contains("value"))
      return MetricReading::failure("vector element without a value");
    const auto value = parse_sample_value(s["value"]);
    if (!value) return MetricReading::failure("bad sample value " + s["value"].dump());
    series.emplace_back(s.contains("metric") ? s["metric"].dump() : "{}", *value);
  }
  // Series come in no promised order; sorting by label set keeps result[i] stable.
  std::stable_sort(series.begin(), series.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  MetricReading r;
  r.is_list = true;
  for (const auto& s : series) r.value.push_back(s.second);
  return r;
}

}  // namespace

// The reasons never name Prometheus: the measurement puts the metric's kind in front of them
// ("prometheus: HTTP 503: ...").
MetricReading parse_prometheus_response(int http_status, const std::string& body) {
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool http_ok = http_status >= 200 && http_status < 300;
  if (doc.is_discarded() || !doc.is_object()) {
    if (!http_ok)
      return MetricReading::failure("HTTP " + std::to_string(http_status) + ": " +
                                    excerpt(body, 200));
    return MetricReading::failure(
        std::string(doc.is_discarded() ? "not JSON: " : "not a JSON object: ") +
        excerpt(body, 200));
  }
  const std::string status = doc.value("status", "");
  if (!http_ok || status != "success") {
    std::string reason = http_ok ? "query failed" : "HTTP " + std::to_string(http_status);
    const std::string message = api_error(doc);
    if (!message.empty())
      reason += ": " + message;
    else if (status != "success")
      reason += ": status \"" + status + "\"";
    return MetricReading::failure(reason);
  }
  if (!doc.contains("data") || !doc["data"].is_object())
    return MetricReading::failure("response without data");
  const json& data = doc["data"];
  const std::string type = data.value("resultType", "");
  if (!data.contains("result")) return MetricReading::failure("response without result");
  const json& result = data["result"];
  if (type == "scalar") {
    const auto value = parse_sample_value(result);
    if (!value) return MetricReading::failure("bad scalar value " + result.dump());
    MetricReading r;
    r.value = {*value};
    return r;
  }
  if (type == "vector") return parse_vector(result);
  return MetricReading::failure("query returned a " + (type.empty() ? "result of no type" : type) +
                                ", want a scalar or an instant vector");
}

PrometheusProvider::Target PrometheusProvider::target(const MetricQuery& query) const {
  const Expanded q = expand_template(metric_.query, query);
  if (!q.ok()) return {"", "prometheus query: " + q.error};
  std::string base = metric_.address;
  while (base.ends_with('/')) base.pop_back();
  // Prometheus also stops evaluating at our deadline instead of working on for nobody.
  return {base + "/api/v1/query?query=" + url_encode_component(q.text) +
              "&timeout=" + std::to_string(metric_.timeout.count()) + "ms",
          ""};
}

void PrometheusProvider::read(const MetricQuery& query, std::function<void(MetricReading)> done) {
  Target t = target(query);
  if (!t.error.empty()) {
    done(MetricReading::failure(t.error));
    return;
  }
  FetchRequest request;
  request.url = std::move(t.url);
  request.timeout = metric_.timeout;
  http_fetch(request, [done = std::move(done)](FetchResult r) {
    if (!r.ok()) {
      done(MetricReading::failure(r.error));
      return;
    }
    done(parse_prometheus_response(r.status, r.body));
  });
}

}  // namespace rollguard
