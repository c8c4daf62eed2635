#include "manifests/json_schema.hpp"

#include <set>
#include <string>

#include "manifests/shape.hpp"

namespace rollguard {
namespace {

using Json = nlohmann::ordered_json;

// Units h, m, s, ms, largest first, at least one: "250ms", "30s", "1h30m".
const std::string kDurationPattern = "^(?=[0-9])([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$";

std::string ref_to(const std::string& shape) {
  return "#/definitions/" + shape;
}

void add_bounds(Json& out, const ValueSpec& v) {
  if (v.min) out[v.min_exclusive ? "exclusiveMinimum" : "minimum"] = *v.min;
  if (v.max) out[v.max_exclusive ? "exclusiveMaximum" : "maximum"] = *v.max;
}

Json string_schema(const ValueSpec& v) {
  Json out{{"type", "string"}};
  if (v.non_empty) out["minLength"] = 1;
  if (!v.pattern.empty()) out["pattern"] = v.pattern;
  return out;
}

Json value_schema(const ValueSpec& v);

Json list_of(Json items, bool non_empty) {
  Json out{{"type", "array"}, {"items", std::move(items)}};
  if (non_empty) out["minItems"] = 1;
  return out;
}

Json map_schema(const std::string& shape_name) {
  if (shape(shape_name).accepts_empty())
    return {{"anyOf", Json::array({{{"$ref", ref_to(shape_name)}}, {{"type", "null"}}})}};
  return {{"$ref", ref_to(shape_name)}};
}

Json value_schema(const ValueSpec& v) {
  switch (v.kind) {
    case ValueKind::String:
      return string_schema(v);
    case ValueKind::Bool:
      return {{"type", "boolean"}};
    case ValueKind::Integer: {
      Json out{{"type", "integer"}};
      add_bounds(out, v);
      return out;
    }
    case ValueKind::Number: {
      Json out{{"type", "number"}};
      add_bounds(out, v);
      return out;
    }
    case ValueKind::Duration:
      return {{"type", "string"}, {"pattern", kDurationPattern}};
    case ValueKind::Enum:
      return {{"enum", v.values}};
    case ValueKind::Argv:
      return list_of({{"type", "string"}}, v.non_empty);
    case ValueKind::StringList: {
      ValueSpec item;
      item.pattern = v.pattern;
      item.non_empty = true;
      return list_of(string_schema(item), v.non_empty);
    }
    case ValueKind::IntegerList: {
      Json item{{"type", "integer"}};
      add_bounds(item, v);
      return list_of(std::move(item), v.non_empty);
    }
    case ValueKind::EnumList:
      return list_of({{"enum", v.values}}, v.non_empty);
    case ValueKind::StringMap:
      return {{"type", Json::array({"object", "null"})},
              {"additionalProperties", {{"type", "string"}}}};
    case ValueKind::PortRange: {
      Json port{{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}};
      return {{"type", "array"}, {"items", port}, {"minItems", 2}, {"maxItems", 2}};
    }
    case ValueKind::Map:
      return map_schema(v.shape);
    case ValueKind::MapList:
      return list_of(map_schema(v.shape), v.non_empty);
    case ValueKind::Any:
      return Json::object();
    case ValueKind::OneOf: {
      Json alternatives = Json::array();
      for (const ValueSpec& a : v.alternatives) alternatives.push_back(value_schema(a));
      return {{"oneOf", std::move(alternatives)}};
    }
  }
  return Json::object();
}

Json with_description(Json schema, const std::string& description) {
  if (description.empty()) return schema;
  Json out{{"description", description}};
  for (auto& [key, value] : schema.items()) out[key] = value;
  return out;
}

// "exactly one of" is a oneOf of single required keys; "at most one of" rules out each pair.
Json group_schema(const KeyGroup& group) {
  Json out = Json::object();
  if (group.required) {
    Json alternatives = Json::array();
    for (const std::string& key : group.keys)
      alternatives.push_back({{"required", Json::array({key})}});
    out["oneOf"] = std::move(alternatives);
    return out;
  }
  Json pairs = Json::array();
  for (std::size_t i = 0; i < group.keys.size(); ++i)
    for (std::size_t j = i + 1; j < group.keys.size(); ++j)
      pairs.push_back({{"required", Json::array({group.keys[i], group.keys[j]})}});
  out["not"] = {{"anyOf", std::move(pairs)}};
  return out;
}

Json shape_schema(const Shape& s) {
  Json out{{"type", "object"}, {"description", s.description}};
  if (s.other_values) {
    out["propertyNames"] = {{"pattern", s.key_pattern}};
    out["additionalProperties"] = value_schema(*s.other_values);
    return out;
  }
  Json properties = Json::object();
  Json required = Json::array();
  for (const KeySpec& k : s.keys) {
    properties[k.name] = with_description(value_schema(k.value), k.description);
    if (k.required) required.push_back(k.name);
  }
  out["properties"] = std::move(properties);
  if (!required.empty()) out["required"] = std::move(required);
  out["additionalProperties"] = false;
  if (s.one_of) {
    const Json group = group_schema(*s.one_of);  // kept alive: items() refers to it
    for (const auto& [key, value] : group.items()) out[key] = value;
  }
  return out;
}

void collect(const ValueSpec& v, std::vector<std::string>& order, std::set<std::string>& seen);

void collect_shape(const std::string& name, std::vector<std::string>& order,
                   std::set<std::string>& seen) {
  if (!seen.insert(name).second) return;
  order.push_back(name);
  const Shape& s = shape(name);
  for (const KeySpec& k : s.keys) collect(k.value, order, seen);
  if (s.other_values) collect(*s.other_values, order, seen);
}

void collect(const ValueSpec& v, std::vector<std::string>& order, std::set<std::string>& seen) {
  if (!v.shape.empty()) collect_shape(v.shape, order, seen);
  for (const ValueSpec& a : v.alternatives) collect(a, order, seen);
}

}  // namespace

nlohmann::ordered_json json_schema(std::string_view root) {
  std::vector<std::string> order;
  std::set<std::string> seen;
  collect_shape(std::string(root), order, seen);
  Json definitions = Json::object();
  for (const std::string& name : order) definitions[name] = shape_schema(shape(name));
  const Shape& top = shape(root);
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"$id", "https://rollguard.dev/schema/v1/" + std::string(root) + ".json"},
          {"title", "rollguard " + std::string(root)},
          {"description", top.description + " Generated by `rollguard schema`."},
          {"allOf", Json::array({{{"$ref", ref_to(top.name)}}})},
          {"definitions", std::move(definitions)}};
}

}  // namespace rollguard
