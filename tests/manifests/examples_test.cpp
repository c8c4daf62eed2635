// Every file under examples/ is a valid manifest (but the CI pipelines of examples/ci/), and
// together they show every strategy.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "manifest_test_support.hpp"
#include "manifests/manifest_file.hpp"

namespace rollguard {
namespace {

TEST(Examples, AreAllValidAndCoverEveryStrategy) {
  std::set<std::size_t> strategies;
  int scenarios = 0, json_files = 0, files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(ROLLGUARD_SOURCE_DIR) + "/examples")) {
    if (!entry.is_regular_file()) continue;
    if (!testing::is_example_manifest(entry.path())) continue;
    const std::string path = entry.path().string();
    const std::string ext = entry.path().extension().string();
    ASSERT_TRUE(ext == ".yaml" || ext == ".yml" || ext == ".json")
        << path << ": examples/ holds manifests only";
    ++files;
    if (ext == ".json") ++json_files;
    const ParsedManifest parsed = load_manifest_file(path);
    EXPECT_TRUE(parsed.ok()) << path << "\n" << testing::dump(parsed.diagnostics);
    if (const auto* rollout = std::get_if<RolloutSpec>(&parsed.value))
      strategies.insert(rollout->strategy.index());
    if (std::holds_alternative<ScenarioSpec>(parsed.value)) ++scenarios;
  }
  EXPECT_GE(files, 8);
  EXPECT_EQ(strategies.size(), std::variant_size_v<StrategySpec>);
  EXPECT_GE(scenarios, 2);
  EXPECT_GE(json_files, 1);
}

}  // namespace
}  // namespace rollguard
