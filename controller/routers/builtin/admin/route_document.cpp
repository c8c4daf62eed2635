#include "controller/routers/builtin/admin/route_document.hpp"

#include <cctype>
#include <cmath>
#include <set>

#include "controller/routers/builtin/proxy/route_table.hpp"

namespace rollguard {
namespace {

using Json = nlohmann::json;

struct Invalid {
  std::string message;
};

constexpr const char* kRoleKeys[] = {"stable", "canary", "baseline"};

void only_keys(const Json& object, const std::set<std::string>& allowed, const std::string& at) {
  for (const auto& [key, value] : object.items()) {
    (void)value;
    if (!allowed.count(key)) {
      std::string list;
      for (const std::string& k : allowed) list += (list.empty() ? "" : ", ") + k;
      throw Invalid{at + ": unknown key \"" + key + "\" (expected " + list + ")"};
    }
  }
}

const Json& object_at(const Json& parent, const char* key, const std::string& at) {
  const Json& value = parent.at(key);
  if (!value.is_object()) throw Invalid{at + "." + key + ": must be an object"};
  return value;
}

double percent(const Json& split, const char* role) {
  if (!split.contains(role)) return 0;
  const Json& v = split.at(role);
  const std::string at = std::string("split.") + role;
  if (!v.is_number()) throw Invalid{at + ": must be a number (percent of traffic)"};
  const double p = v.get<double>();
  if (!std::isfinite(p) || p < 0 || p > 100)
    throw Invalid{at + ": " + v.dump() + " is not a percent between 0 and 100"};
  return p;
}

std::vector<std::string> backends(const Json& pools, const char* role) {
  std::vector<std::string> out;
  if (!pools.contains(role)) return out;
  const Json& list = pools.at(role);
  const std::string at = std::string("backends.") + role;
  if (!list.is_array()) throw Invalid{at + ": must be a list of \"host:port\""};
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_at = at + "[" + std::to_string(i) + "]";
    if (!list[i].is_string()) throw Invalid{item_at + ": must be a \"host:port\" string"};
    std::string endpoint = list[i].get<std::string>();
    const auto resolved = resolve_endpoint(endpoint);
    if (const auto* error = std::get_if<std::string>(&resolved))
      throw Invalid{item_at + ": \"" + endpoint + "\": " + *error};
    out.push_back(std::move(endpoint));
  }
  return out;
}

RouteDocument read_document(const Json& body) {
  if (!body.is_object()) throw Invalid{"the body must be a JSON object"};
  only_keys(body, {"rollout", "split", "preview", "backends", "revision", "configured"}, "routes");
  RouteDocument doc;
  if (body.contains("rollout")) {
    if (!body["rollout"].is_string()) throw Invalid{"rollout: must be a string"};
    doc.rollout = body["rollout"].get<std::string>();
  }
  if (!body.contains("split")) throw Invalid{"split: missing (percent per role)"};
  const Json& split = object_at(body, "split", "routes");
  only_keys(split, {"stable", "canary", "baseline"}, "split");
  doc.table.split = {percent(split, "stable"), percent(split, "canary"),
                     percent(split, "baseline")};
  if (body.contains("preview")) {
    if (!body["preview"].is_boolean()) throw Invalid{"preview: must be true or false"};
    doc.table.preview = body["preview"].get<bool>();
  }
  if (body.contains("backends")) {
    const Json& pools = object_at(body, "backends", "routes");
    only_keys(pools, {"stable", "canary", "baseline"}, "backends");
    doc.table.stable = backends(pools, "stable");
    doc.table.canary = backends(pools, "canary");
    doc.table.baseline = backends(pools, "baseline");
  }
  return doc;
}

bool json_media_type(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json";
}

}  // namespace

std::variant<RouteDocument, RouteRefusal> parse_route_document(const std::string& content_type,
                                                               const std::string& body) {
  if (!json_media_type(content_type))
    return RouteRefusal{
        415, "UnsupportedMediaType",
        "send the routes as Content-Type: application/json (got \"" + content_type + "\")"};
  const Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return RouteRefusal{400, "BadRequest", "the body is not valid JSON"};
  try {
    return read_document(parsed);
  } catch (const Invalid& e) {
    return RouteRefusal{422, "InvalidRoutes", e.message};
  }
}

Json route_document_json(const RouteDocument& doc, std::uint64_t revision) {
  Json backends = Json::object();
  for (Role role : kRoles) backends[kRoleKeys[static_cast<int>(role)]] = doc.table.endpoints(role);
  return Json{{"rollout", doc.rollout},
              {"split",
               {{"stable", doc.table.split.stable},
                {"canary", doc.table.split.canary},
                {"baseline", doc.table.split.baseline}}},
              {"preview", doc.table.preview},
              {"backends", backends},
              {"revision", revision},
              {"configured", revision > 0}};
}

std::variant<RouteDocument, std::string> route_document_from_answer(const Json& answer) {
  try {
    return read_document(answer);
  } catch (const Invalid& e) {
    return e.message;
  }
}

}  // namespace rollguard
