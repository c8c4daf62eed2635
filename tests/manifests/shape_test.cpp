// The shape table (manifests/shape.hpp) is whole and consistent, the readers read by it, and
// the JSON Schema is generated from it key for key.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "manifests/json_schema.hpp"
#include "manifests/reader.hpp"
#include "manifests/rollout_parser.hpp"
#include "manifests/shape.hpp"

namespace rollguard {
namespace {

const Shape* find_shape(const std::string& name) {
  for (const Shape& s : shapes())
    if (s.name == name) return &s;
  return nullptr;
}

void referenced_shapes(const ValueSpec& v, std::vector<std::string>& out) {
  if (!v.shape.empty()) out.push_back(v.shape);
  for (const ValueSpec& a : v.alternatives) referenced_shapes(a, out);
}

std::vector<std::string> child_shapes(const Shape& s) {
  std::vector<std::string> out;
  for (const KeySpec& k : s.keys) referenced_shapes(k.value, out);
  if (s.other_values) referenced_shapes(*s.other_values, out);
  return out;
}

TEST(ShapeTable, EveryReferencedShapeExistsAndEveryShapeIsReachable) {
  std::set<std::string> names, reached;
  for (const Shape& s : shapes()) EXPECT_TRUE(names.insert(s.name).second) << s.name;
  std::vector<std::string> todo{std::string(kRolloutShape), std::string(kScenarioShape)};
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    if (!reached.insert(name).second) continue;
    const Shape* s = find_shape(name);
    ASSERT_NE(s, nullptr) << "no shape " << name;
    for (const std::string& child : child_shapes(*s)) todo.push_back(child);
  }
  EXPECT_EQ(reached, names) << "a shape no manifest reaches";
}

TEST(ShapeTable, KeysAreUniqueAndGroupsNameOptionalKeysOfTheirShape) {
  for (const Shape& s : shapes()) {
    std::set<std::string> keys;
    for (const KeySpec& k : s.keys) {
      EXPECT_TRUE(keys.insert(k.name).second) << s.name << "." << k.name;
      EXPECT_FALSE(k.description.empty()) << s.name << "." << k.name;
      if (k.value.kind == ValueKind::Enum || k.value.kind == ValueKind::EnumList) {
        EXPECT_FALSE(k.value.values.empty()) << s.name << "." << k.name;
      }
    }
    EXPECT_EQ(s.other_values.has_value(), !s.key_pattern.empty()) << s.name;
    if (!s.one_of) continue;
    EXPECT_GE(s.one_of->keys.size(), 2u) << s.name;
    for (const std::string& key : s.one_of->keys) {
      const KeySpec* k = s.find(key);
      ASSERT_NE(k, nullptr) << s.name << " groups " << key << ", which it does not list";
      EXPECT_FALSE(k->required) << s.name << "." << key << " is in a group and required";
    }
  }
}

TEST(ShapeTable, TheSchemaHasEveryShapeAndEveryKey) {
  const nlohmann::ordered_json rollout = json_schema(kRolloutShape);
  const nlohmann::ordered_json scenario = json_schema(kScenarioShape);
  for (const Shape& s : shapes()) {
    const auto& definitions =
        scenario["definitions"].contains(s.name) ? scenario["definitions"] : rollout["definitions"];
    ASSERT_TRUE(definitions.contains(s.name)) << s.name;
    const auto& schema = definitions[s.name];
    for (const KeySpec& k : s.keys) {
      EXPECT_TRUE(schema["properties"].contains(k.name)) << s.name << "." << k.name;
      const bool listed = schema.contains("required") &&
                          std::find(schema["required"].begin(), schema["required"].end(), k.name) !=
                              schema["required"].end();
      EXPECT_EQ(listed, k.required) << s.name << "." << k.name;
    }
    if (s.other_values) continue;
    EXPECT_EQ(schema["properties"].size(), s.keys.size()) << s.name;
    EXPECT_EQ(schema["additionalProperties"], false) << s.name;
  }
  // A rollout's schema holds no scenario shapes.
  EXPECT_FALSE(rollout["definitions"].contains("ScenarioSpec"));
  EXPECT_EQ(rollout["$schema"], "http://json-schema.org/draft-07/schema#");
}

TEST(ShapeTable, UnknownKeysAreSuggestedFromTheTable) {
  const auto parsed = parse_rollout_text(R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: a}
spec:
  canary: {version: "2"}
  target: {static: {stable: ["127.0.0.1:1"], canary: ["127.0.0.1:2"]}}
  strategy: {canary: {steps: [{setWieght: 20}]}}
)",
                                         Format::Yaml, "a.yaml");
  ASSERT_FALSE(parsed.diagnostics.empty());
  EXPECT_EQ(parsed.diagnostics.front().message, "unknown key \"setWieght\"");
  EXPECT_EQ(parsed.diagnostics.front().hint, "did you mean \"setWeight\"?");
}

TEST(ShapeTableDeathTest, AReaderThatReadsAKeyTheTableLacksAborts) {
  const LoadedDocument loaded = load_document("duration: 5s\n", Format::Yaml, "p.yaml");
  ASSERT_TRUE(loaded.document);
  Diagnostics diagnostics;
  const Cursor root(*loaded.document, diagnostics);
  EXPECT_DEATH(
      {
        const MapReader pause(root, "Pause");
        (void)pause["seconds"];
      },
      "reads \"seconds\" of shape Pause");
  EXPECT_DEATH(
      {
        const MapReader pause(root, "Pause");
        (void)pause.required("duration");
      },
      "marks optional");
  EXPECT_DEATH((void)shape("Nope"), "no manifest shape \"Nope\"");
}

}  // namespace
}  // namespace rollguard
