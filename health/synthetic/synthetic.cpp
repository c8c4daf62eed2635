#include "health/synthetic/synthetic.hpp"

#include <boost/asio/post.hpp>
#include <cctype>
#include <memory>

#include "health/process/argv_template.hpp"
#include "health/providers/web/json_path.hpp"
#include "health/text.hpp"
#include "manifests/duration.hpp"

namespace rollguard {

using nlohmann::json;

namespace {

// Keeps what a path may carry literally (RFC 3986 pchar and "/"); a captured value with a
// space, "?" or "#" must not change the request's shape.
std::string encode_path_value(const std::string& value) {
  static constexpr std::string_view kSafe = "-._~!$&'()*+,;=:@/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : value) {
    auto byte = static_cast<unsigned char>(ch);
    bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (alnum || kSafe.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

bool is_content_type(std::string_view name) {
  static constexpr std::string_view kName = "content-type";
  if (name.size() != kName.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(name[i])) != kName[i]) return false;
  return true;
}

json render_json(const json& value, const StringMap& vars) {
  if (value.is_string()) return render_template(value.get<std::string>(), vars);
  if (value.is_array() || value.is_object()) {
    json out = value;
    for (auto& item : out) item = render_json(item, vars);
    return out;
  }
  return value;
}

HttpRequest build_request(const SyntheticStepSpec& step, const SyntheticCall& call,
                          const StringMap& vars, Duration timeout) {
  StringMap path_vars;
  for (const auto& [name, value] : vars) path_vars[name] = encode_path_value(value);
  HttpRequest req;
  req.endpoint = call.endpoint;
  req.method = step.request.method;
  req.target = render_template(step.request.path, path_vars);
  req.timeout = timeout;
  req.headers = call.headers;
  for (const auto& [name, value] : step.request.headers)
    req.headers[name] = render_template(value, vars);
  if (step.request.json) {
    req.body = render_json(*step.request.json, vars).dump();
    bool has_type = false;
    for (const auto& [name, value] : req.headers) has_type = has_type || is_content_type(name);
    if (!has_type) req.headers["Content-Type"] = "application/json";
  } else if (step.request.body) {
    req.body = render_template(*step.request.body, vars);
  }
  return req;
}

std::string quote_json(const json& value) {
  return excerpt(value.dump());
}

struct Selection {
  std::vector<const json*> matches;
  bool definite = true;
  std::string problem;  // the path is invalid, or the body is not JSON
};

Selection select(const std::string& path_text, const std::optional<json>& doc,
                 const std::string& body) {
  Selection out;
  auto parsed = JsonPath::parse(path_text);
  if (auto* err = std::get_if<JsonPathError>(&parsed)) {
    out.problem = "invalid JSONPath \"" + path_text + "\" at column " +
                  std::to_string(err->column) + ": " + err->message;
    return out;
  }
  if (!doc) {
    out.problem = "expected " + path_text + " in a JSON body, got " + excerpt(body);
    return out;
  }
  const auto& path = std::get<JsonPath>(parsed);
  out.definite = path.is_definite();
  out.matches = path.select(*doc);
  return out;
}

std::string check_json_path(const std::string& path, const JsonPathExpectation& expect,
                            const std::optional<json>& doc, const std::string& body) {
  Selection found = select(path, doc, body);
  if (!found.problem.empty()) return found.problem;
  const auto& matches = found.matches;
  switch (expect.kind) {
    case JsonPathExpectation::Kind::Exists:
      if (matches.empty()) return "expected " + path + " to exist in " + excerpt(body);
      return {};
    case JsonPathExpectation::Kind::Absent:
      if (!matches.empty())
        return "expected " + path + " to be absent, found " + quote_json(*matches.front());
      return {};
    case JsonPathExpectation::Kind::Equals: {
      if (matches.empty())
        return "expected " + path + " to equal " + quote_json(expect.value) +
               ", but it is missing in " + excerpt(body);
      // A wildcard path is compared as the list of what it matched.
      json got = *matches.front();
      if (!found.definite) {
        got = json::array();
        for (const json* m : matches) got.push_back(*m);
      }
      if (got != expect.value)
        return "expected " + path + " to equal " + quote_json(expect.value) + ", got " +
               quote_json(got);
      return {};
    }
  }
  return {};
}

std::string captured_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string check_step(const SyntheticStepSpec& step, const HttpResponse& response,
                       StringMap& vars) {
  if (!response.ok()) return response.error;
  const auto& expect = step.expect;
  if (expect.status && response.status != *expect.status)
    return "expected status " + std::to_string(*expect.status) + ", got " +
           std::to_string(response.status);
  std::optional<json> doc;
  if (!expect.jsonPath.empty() || !step.capture.empty()) {
    json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) doc = std::move(parsed);
  }
  for (const auto& [path, expectation] : expect.jsonPath)
    if (auto problem = check_json_path(path, expectation, doc, response.body); !problem.empty())
      return problem;
  if (expect.bodyContains && response.body.find(*expect.bodyContains) == std::string::npos)
    return "expected body to contain \"" + *expect.bodyContains + "\", got " +
           excerpt(response.body);
  if (expect.latencyBelow && response.latency >= *expect.latencyBelow)
    return "expected latency below " + format_duration(*expect.latencyBelow) + ", took " +
           format_duration(std::chrono::duration_cast<Duration>(response.latency));
  for (const auto& [name, path] : step.capture) {
    Selection found = select(path, doc, response.body);
    if (!found.problem.empty()) return "capture " + name + ": " + found.problem;
    if (found.matches.empty())
      return "capture " + name + ": " + path + " not found in " + excerpt(response.body);
    vars[name] = captured_text(*found.matches.front());
  }
  return {};
}

SyntheticTarget effective_target(const SyntheticSpec& spec, bool blue_green) {
  if (spec.target) return *spec.target;
  return blue_green ? SyntheticTarget::Preview : SyntheticTarget::Canary;
}

namespace {

class SyntheticRun : public std::enable_shared_from_this<SyntheticRun> {
 public:
  SyntheticRun(HttpClient& client, const SyntheticSpec& spec, SyntheticCall call,
               std::function<void(SyntheticResult)> done)
      : client_(client), spec_(spec), call_(std::move(call)), done_(std::move(done)) {
    result_.vars = call_.vars;
  }

  void next() {
    if (index_ == spec_.steps.size()) {
      result_.ok = true;
      return finish();
    }
    const auto& step = spec_.steps[index_];
    HttpRequest req = build_request(step, call_, result_.vars, spec_.timeout);
    std::string label = "step " + std::to_string(index_ + 1) + " " + req.method + " " + req.target;
    client_.request(std::move(req), [self = shared_from_this(), label](HttpResponse response) {
      self->on_response(label, response);
    });
  }

 private:
  void on_response(const std::string& label, const HttpResponse& response) {
    if (response.ok())
      result_.latencies.push_back(std::chrono::duration_cast<Duration>(response.latency));
    std::string problem = check_step(spec_.steps[index_], response, result_.vars);
    if (!problem.empty()) {
      result_.reason = label + ": " + problem;
      return finish();
    }
    ++index_;
    next();
  }

  void finish() {
    auto done = std::move(done_);
    done(std::move(result_));
  }

  HttpClient& client_;
  SyntheticSpec spec_;
  SyntheticCall call_;
  std::function<void(SyntheticResult)> done_;
  std::size_t index_ = 0;
  SyntheticResult result_;
};

}  // namespace

void run_synthetic(HttpClient& client, const SyntheticSpec& spec, SyntheticCall call,
                   std::function<void(SyntheticResult)> done) {
  if (spec.steps.empty()) {  // a mistake in the manifest, never a success
    SyntheticResult r;
    r.reason = "synthetic transaction has no steps";
    r.vars = call.vars;
    boost::asio::post(client.executor(), [done = std::move(done), r = std::move(r)] { done(r); });
    return;
  }
  auto run = std::make_shared<SyntheticRun>(client, spec, std::move(call), std::move(done));
  // Start from the executor: a first request that fails at once still completes later.
  boost::asio::post(client.executor(), [run] { run->next(); });
}

}  // namespace rollguard
