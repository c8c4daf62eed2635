// A Scenario manifest for `rollguard simulate` (parse_scenario_text,
// manifests/scenario_parser.hpp), in YAML or JSON (Format::Auto). Its spec.rollout is inline
// or a path: relative paths resolve in a scratch directory holding one valid rollout.yaml and
// one broken.yaml. A valid scenario written out (manifests/manifest_json.hpp, the rollout
// inline) reads back as the same scenario, its rolloutPath aside.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "fuzz/fuzz_check.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/scenario_parser.hpp"

using namespace rollguard;

namespace {

std::string scratch;

constexpr const char* kRollout = R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: checkout}
spec:
  stable: {version: v1}
  canary: {version: v2}
  target: {static: {endpoints: {stable: ["127.0.0.1:8081"], canary: ["127.0.0.1:8082"]}}}
  strategy: {canary: {steps: [{setWeight: 20}, {pause: {duration: 1m}}, {setWeight: 100}]}}
)";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rollguard-fuzz-scenario-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rollout.yaml") << kRollout;
  std::ofstream(dir / "broken.yaml") << "spec: [unclosed\n";
  scratch = dir.string();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Parsed<ScenarioSpec> parsed = parse_scenario_text(text, Format::Auto, "fuzz", scratch);
  for (const Diagnostic& d : parsed.diagnostics) (void)d.to_string();
  fuzz::check(parsed.ok() == parsed.diagnostics.empty(), "a value exactly when no diagnostics");
  if (!parsed.ok()) return 0;
  const std::string json = to_json(*parsed.value).dump();
  const Parsed<ScenarioSpec> again = parse_scenario_text(json, Format::Json, "again.json", scratch);
  fuzz::check(again.ok(), "the written-out scenario does not read back:\n" + json +
                              (again.diagnostics.empty() ? "" : again.diagnostics[0].to_string()));
  ScenarioSpec expected = *parsed.value;
  expected.rolloutPath.clear();
  fuzz::check(*again.value == expected, "the written-out scenario reads back different:\n" + json);
  return 0;
}
