#pragma once
// The `web` metric source: GET a JSON document and pick the value out with a JSONPath
// (docs/jsonpath.md). Header values may hold {{secret:ENV}}, read from the environment at each
// read; a secret's value never appears in a reading's reason.
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "health/measurement.hpp"
#include "health/providers/query_template.hpp"
#include "health/providers/web/json_path.hpp"

namespace rollguard {

// The value(s) `path` selects in `doc`. A path without a wildcard reads one number; a
// wildcard path reads a list (is_list) of every match, in document order. JSON numbers and
// strings holding a number ("0.5", "NaN", "+Inf") are values; no match, or a match of any
// other kind, is an Error reading.
MetricReading web_reading(const nlohmann::json& doc, const JsonPath& path);

class WebProvider final : public MetricProvider {
 public:
  explicit WebProvider(WebMetric metric, SecretSource secrets = environment_secrets());

  // `done` runs on an HTTP pool thread, or at once for a bad path, URL or missing secret.
  void read(const MetricQuery& query, std::function<void(MetricReading)> done) override;

 private:
  WebMetric metric_;
  SecretSource secrets_;
  std::variant<JsonPath, JsonPathError> path_;
};

}  // namespace rollguard
