// Reads a synthetic transaction: its HTTP steps, what each expects, and the variables each
// captures for the steps after it ({{cartId}} must be captured before it is used).
#include <cctype>

#include "manifests/enum_names.hpp"
#include "manifests/rollout_reader.hpp"

namespace rollguard {
namespace {

bool check_json_path(const Cursor& at, const std::string& text) {
  if (text.starts_with("$")) return true;
  at.error("expected a JSONPath starting with \"$\" like \"$.id\", got \"" + text + "\"");
  return false;
}

bool is_variable_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

void read_request(const Cursor& at, SyntheticRequest& out,
                  const std::vector<std::string>& variables) {
  MapReader r(at, "SyntheticRequest");
  const Cursor method = r["method"];
  if (read_string(method, out.method)) check_method(method, out.method);
  const Cursor path = r["path"];
  if (read_string(path, out.path)) {
    if (!out.path.starts_with("/"))
      path.error("expected a path starting with \"/\", got \"" + out.path + "\"");
    check_placeholders(path, out.path, variables, false);
  }
  if (read_string_map(r["headers"], out.headers))
    for (const auto& [name, value] : out.headers)
      check_placeholders(r["headers"].child(name), value, variables, true);
  const std::string payload = r.one_of();
  if (payload == "json") out.json = r["json"].json();
  std::string body;
  if (payload == "body" && read_string(r["body"], body, true)) {
    check_placeholders(r["body"], body, variables, false);
    out.body = body;
  }
}

void read_json_path_expectation(const Cursor& at, JsonPathExpectation& out) {
  using Kind = JsonPathExpectation::Kind;
  const std::string expected = "expected exists, absent or {equals: VALUE}";
  if (at.json().is_string()) {
    const std::string& word = at.json().get_ref<const std::string&>();
    if (word == "exists") {
      out.kind = Kind::Exists;
    } else if (word == "absent") {
      out.kind = Kind::Absent;
    } else {
      at.error("unknown expectation \"" + word + "\": " + expected,
               did_you_mean(word, {"exists", "absent", "equals"}));
    }
    return;
  }
  if (!at.json().is_object()) {
    at.error(expected + ", got " + at.describe());
    return;
  }
  MapReader m(at, "JsonPathEquals");
  const Cursor equals = m.required("equals");
  if (!equals.present()) return;
  out.kind = Kind::Equals;
  out.value = equals.json();
}

void read_expect(const Cursor& at, SyntheticExpect& out) {
  MapReader e(at, "SyntheticExpect");
  int status = 0;
  if (read_int(e["status"], status, 100, 599)) out.status = status;
  const Cursor paths = e["jsonPath"];
  if (paths.present() && !paths.json().is_object()) {
    paths.error("expected a map from JSONPath to an expectation like {\"$.id\": exists}, got " +
                paths.describe());
  } else if (paths.present()) {
    for (const auto& [path, value] : paths.json().items()) {
      const Cursor item = paths.child(path);
      if (!path.starts_with("$"))
        item.key_error(paths, "expected a JSONPath starting with \"$\", got \"" + path + "\"");
      read_json_path_expectation(item, out.jsonPath[path]);
    }
  }
  std::string contains;
  if (read_string(e["bodyContains"], contains)) out.bodyContains = contains;
  Duration below{};
  if (read_duration(e["latencyBelow"], below, true)) out.latencyBelow = below;
}

void read_capture(const Cursor& at, StringMap& out, std::vector<std::string>& variables) {
  if (!read_string_map(at, out)) return;
  for (const auto& [name, path] : out) {
    const Cursor item = at.child(name);
    if (!is_variable_name(name))
      item.key_error(at, "invalid variable name \"" + name + "\": use letters, digits and _");
    check_json_path(item, path);
    variables.push_back(name);
  }
}

}  // namespace

void read_synthetic(const Cursor& at, SyntheticSpec& out, const RolloutContext& context) {
  MapReader s(at, "Synthetic");
  std::vector<std::string> variables{"name", "version", "role"};
  const Cursor steps = s.required("steps");
  read_list(steps, out.steps, [&](const Cursor& item, SyntheticStepSpec& step) {
    MapReader m(item, "SyntheticStep");
    read_request(m.required("request"), step.request, variables);
    read_expect(m["expect"], step.expect);
    read_capture(m["capture"], step.capture, variables);
  });
  if (steps.present() && steps.json().is_array() && steps.json().empty())
    steps.error("a synthetic transaction needs at least one step");
  SyntheticTarget target{};
  const Cursor target_at = s["target"];
  if (read_enum(target_at, target, synthetic_target_names())) {
    out.target = target;
    if (target == SyntheticTarget::Baseline)
      require_baseline(target_at, context, "targets the baseline",
                       "set spec.strategy.canary.baseline: true, or target canary");
  }
  read_duration(s["timeout"], out.timeout, true);
}

}  // namespace rollguard
