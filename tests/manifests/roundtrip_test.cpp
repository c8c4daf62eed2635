// The same manifest in YAML and in JSON reads into equal structs, and the --explain output
// (every default filled in) reads back into an equal struct, as JSON and as YAML.
#include <gtest/gtest.h>

#include <filesystem>

#include "manifest_test_support.hpp"
#include "manifests/manifest_file.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"
#include "manifests/scenario_parser.hpp"
#include "manifests/yaml_emit.hpp"

namespace rollguard {
namespace {

using testing::dump;

// Written by hand twice; strings that look like numbers or bools, nested JSON bodies,
// fractions and every router/target field that has a spelling of its own.
constexpr const char* kYaml = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata:
  name: pair
  labels: {tier: "1", public: "true"}
spec:
  stable: {version: "1.10"}
  canary: {version: 2.0-rc1}
  target:
    command:
      deploy: [./deploy, "{{role}}", "{{version}}"]
      ready: [./ready, "{{role}}"]
      timeout: 90s
      endpoints: {stable: ["10.0.0.1:80"], canary: ["10.0.0.2:80"], baseline: ["10.0.0.3:80"]}
  traffic:
    haproxy: {runtimeApi: "unix:/run/haproxy.sock", backend: web, servers: {stable: [s1, s2], canary: [c1], baseline: [b1]}}
    previewHeader: X-Preview
  strategy:
    canary:
      baseline: true
      steps:
        - setWeight: 0.5
        - pause: {duration: 1h30m}
        - analysis: {templates: [flow, p99]}
        - pause:
  analysis:
    background: {templates: [p99], startingStep: 2}
    templates:
      - name: flow
        synthetic:
          target: baseline
          timeout: 2s
          steps:
            - request: {method: PUT, path: /items, headers: {X-Id: "7"}, json: {n: 1, tags: [a, "2"], ok: true, none: null, f: 0.25}}
              expect: {status: 200, jsonPath: {"$.n": {equals: 1}, "$.gone": absent, "$.id": exists}, bodyContains: "{"}
              capture: {itemId: "$.id"}
            - request: {path: "/items/{{itemId}}", body: "x=1"}
      - name: p99
        interval: 250ms
        count: 4
        initialDelay: 1m
        failureLimit: 1
        inconclusiveLimit: 2
        consecutiveErrorLimit: 0
        minSamples: 10
        metric: {web: {url: "https://m.example/p99?v={{version}}", jsonPath: "$.p99", headers: {A: "{{secret:TOKEN}}"}, timeout: 3s}}
        failureCondition: "result[0] > 0.3"
        compare: {against: baseline, judge: sequential, direction: either, allowedIncrease: 2, allowedDecrease: 0.5, confidence: 0.999}
  probes:
    - {name: run, exec: {command: [./probe, "{{instance}}"]}, interval: 1s, timeout: 500ms, failureThreshold: 1}
  rollback: {onFailure: pause, onInconclusive: rollback, onError: pause, keepPreviousFor: 0s, progressDeadline: 1h}
  notifications:
    - webhook: {url: "http://h/1", events: [Failed], format: slack, headers: {K: V}}
)";

constexpr const char* kJson = R"({
  "apiVersion": "rollguard.dev/v1",
  "kind": "Rollout",
  "metadata": {"name": "pair", "labels": {"tier": "1", "public": "true"}},
  "spec": {
    "stable": {"version": "1.10"},
    "canary": {"version": "2.0-rc1"},
    "target": {"command": {
      "deploy": ["./deploy", "{{role}}", "{{version}}"],
      "ready": ["./ready", "{{role}}"],
      "timeout": "90s",
      "endpoints": {"stable": ["10.0.0.1:80"], "canary": ["10.0.0.2:80"], "baseline": ["10.0.0.3:80"]}}},
    "traffic": {
      "haproxy": {"runtimeApi": "unix:/run/haproxy.sock", "backend": "web",
                  "servers": {"stable": ["s1", "s2"], "canary": ["c1"], "baseline": ["b1"]}},
      "previewHeader": "X-Preview"},
    "strategy": {"canary": {"baseline": true, "steps": [
      {"setWeight": 0.5}, {"pause": {"duration": "1h30m"}},
      {"analysis": {"templates": ["flow", "p99"]}}, {"pause": null}]}},
    "analysis": {
      "background": {"templates": ["p99"], "startingStep": 2},
      "templates": [
        {"name": "flow", "synthetic": {"target": "baseline", "timeout": "2s", "steps": [
          {"request": {"method": "PUT", "path": "/items", "headers": {"X-Id": "7"},
                       "json": {"n": 1, "tags": ["a", "2"], "ok": true, "none": null, "f": 0.25}},
           "expect": {"status": 200, "jsonPath": {"$.n": {"equals": 1}, "$.gone": "absent", "$.id": "exists"},
                      "bodyContains": "{"},
           "capture": {"itemId": "$.id"}},
          {"request": {"path": "/items/{{itemId}}", "body": "x=1"}}]}},
        {"name": "p99", "interval": "250ms", "count": 4, "initialDelay": "1m", "failureLimit": 1,
         "inconclusiveLimit": 2, "consecutiveErrorLimit": 0, "minSamples": 10,
         "metric": {"web": {"url": "https://m.example/p99?v={{version}}", "jsonPath": "$.p99",
                            "headers": {"A": "{{secret:TOKEN}}"}, "timeout": "3s"}},
         "failureCondition": "result[0] > 0.3",
         "compare": {"against": "baseline", "judge": "sequential", "direction": "either",
                     "allowedIncrease": 2, "allowedDecrease": 0.5, "confidence": 0.999}}]},
    "probes": [{"name": "run", "exec": {"command": ["./probe", "{{instance}}"]}, "interval": "1s",
                "timeout": "500ms", "failureThreshold": 1}],
    "rollback": {"onFailure": "pause", "onInconclusive": "rollback", "onError": "pause",
                 "keepPreviousFor": "0s", "progressDeadline": "1h"},
    "notifications": [{"webhook": {"url": "http://h/1", "events": ["Failed"], "format": "slack",
                                   "headers": {"K": "V"}}}]
  }
}
)";

TEST(YamlAndJson, HandWrittenPairReadsEqual) {
  const Parsed<RolloutSpec> yaml = parse_rollout_text(kYaml, Format::Yaml, "pair.yaml");
  const Parsed<RolloutSpec> json = parse_rollout_text(kJson, Format::Json, "pair.json");
  ASSERT_TRUE(yaml.ok()) << dump(yaml.diagnostics);
  ASSERT_TRUE(json.ok()) << dump(json.diagnostics);
  EXPECT_TRUE(*yaml.value == *json.value);
  // Spot-check that equal is not equally wrong.
  EXPECT_EQ(yaml.value->stable, "1.10");
  EXPECT_EQ(yaml.value->metadata.labels.at("public"), "true");
  const auto& steps = std::get<CanaryStrategy>(yaml.value->strategy).steps;
  EXPECT_EQ(std::get<SetWeightStep>(steps[0]).weight, 0.5);
  EXPECT_EQ(std::get<PauseStep>(steps[1]).duration, Duration{90min});
  const AnalysisTemplate& flow = yaml.value->templates[0];
  const nlohmann::json& body = *flow.synthetic->steps[0].request.json;
  EXPECT_TRUE(body.at("none").is_null());
  EXPECT_TRUE(body.at("tags")[1].is_string());
  EXPECT_EQ(flow.synthetic->steps[0].expect.jsonPath.at("$.n").value, 1);
  EXPECT_EQ(flow.synthetic->steps[1].request.method, "GET");
}

TEST(YamlAndJson, ErrorsInJsonHavePositionsToo) {
  const std::string broken =
      testing::apply_edits(kJson, {{"\"setWeight\": 0.5", "\"setWeigth\": 0.5"}});
  const Parsed<RolloutSpec> json = parse_rollout_text(broken, Format::Json, "pair.json");
  ASSERT_EQ(json.diagnostics.size(), 1u) << dump(json.diagnostics);
  EXPECT_EQ(json.diagnostics[0].to_string(),
            "pair.json:18:8: spec.strategy.canary.steps[0]: unknown key \"setWeigth\" (did you "
            "mean \"setWeight\"?)");
}

void expect_explain_round_trip(const RolloutSpec& spec) {
  const nlohmann::ordered_json explained = to_json(spec);
  const Parsed<RolloutSpec> from_json =
      parse_rollout_text(explained.dump(2), Format::Json, "explained.json");
  ASSERT_TRUE(from_json.ok()) << dump(from_json.diagnostics) << explained.dump(2);
  EXPECT_TRUE(*from_json.value == spec) << explained.dump(2);
  const std::string yaml = to_yaml(explained);
  const Parsed<RolloutSpec> from_yaml = parse_rollout_text(yaml, Format::Yaml, "explained.yaml");
  ASSERT_TRUE(from_yaml.ok()) << dump(from_yaml.diagnostics) << yaml;
  EXPECT_TRUE(*from_yaml.value == spec) << yaml;
  EXPECT_EQ(to_json(*from_yaml.value), explained);
}

TEST(Explain, PairRoundTrips) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text(kYaml, Format::Yaml, "pair.yaml");
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  expect_explain_round_trip(*parsed.value);
}

TEST(Explain, FillsInEveryDefault) {
  const Parsed<RolloutSpec> parsed = parse_rollout_text(
      "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: app}\nspec:\n  canary: "
      "{version: \"2\"}\n  target: {process: {command: [./app]}}\n  strategy: {linear: {}}\n",
      Format::Yaml, "m.yaml");
  ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
  const nlohmann::ordered_json j = to_json(*parsed.value);
  EXPECT_EQ(j["spec"]["target"]["process"]["portRange"], nlohmann::ordered_json({20000, 20999}));
  EXPECT_EQ(j["spec"]["target"]["process"]["readiness"]["timeout"], "30s");
  EXPECT_EQ(j["spec"]["traffic"]["builtin"]["listen"], "127.0.0.1:8080");
  EXPECT_EQ(j["spec"]["traffic"]["previewHeader"], "X-Rollguard-Preview");
  EXPECT_EQ(j["spec"]["strategy"]["linear"]["stepWeight"], 10);
  EXPECT_EQ(j["spec"]["strategy"]["linear"]["interval"], "1m");
  EXPECT_EQ(j["spec"]["rollback"]["onInconclusive"], "pause");
  EXPECT_EQ(j["spec"]["rollback"]["progressDeadline"], "10m");
  expect_explain_round_trip(*parsed.value);
}

std::vector<std::string> example_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(ROLLGUARD_SOURCE_DIR) + "/examples")) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json") &&
        testing::is_example_manifest(entry.path()))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Explain, EveryExampleRoundTrips) {
  for (const std::string& file : example_files()) {
    SCOPED_TRACE(file);
    const ParsedManifest parsed = load_manifest_file(file);
    ASSERT_TRUE(parsed.ok()) << dump(parsed.diagnostics);
    if (const auto* rollout = std::get_if<RolloutSpec>(&parsed.value)) {
      expect_explain_round_trip(*rollout);
      continue;
    }
    ScenarioSpec scenario = std::get<ScenarioSpec>(parsed.value);
    const std::string yaml = to_yaml(to_json(scenario));
    const Parsed<ScenarioSpec> again = parse_scenario_text(yaml, Format::Yaml, "explained.yaml");
    ASSERT_TRUE(again.ok()) << dump(again.diagnostics) << yaml;
    scenario.rolloutPath.clear();  // written inline: see manifest_json.hpp
    EXPECT_TRUE(*again.value == scenario) << yaml;
  }
}

TEST(YamlAndJson, EveryExampleReadsEqualAsJson) {
  for (const std::string& file : example_files()) {
    SCOPED_TRACE(file);
    const LoadedDocument loaded = load_document_file(file);
    ASSERT_TRUE(loaded.document) << dump(loaded.diagnostics);
    if (loaded.document->root().value("kind", "") != "Rollout") continue;
    const Parsed<RolloutSpec> original = parse_rollout(*loaded.document);
    const Parsed<RolloutSpec> as_json =
        parse_rollout_text(loaded.document->root().dump(), Format::Json, "same.json");
    ASSERT_TRUE(original.ok() && as_json.ok()) << dump(as_json.diagnostics);
    EXPECT_TRUE(*original.value == *as_json.value);
  }
}

}  // namespace
}  // namespace rollguard
