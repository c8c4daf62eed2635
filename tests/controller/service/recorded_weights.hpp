#pragma once
// Rollouts whose router is a shell command that appends each weight it is given to a file:
// what the router was told is read back line by line, and a gate file decides when the 20%
// split is confirmed. For the store-fault tests, which check that nothing unrecorded is acted
// on.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "manifests/rollout_parser.hpp"

namespace rollguard::testing {

// A command router that writes each weight it is given to `weights` and, for a weight of 20,
// answers only once `gate` exists: the test decides when that split is confirmed.
inline RolloutSpec command_spec(const std::string& name, const std::string& steps,
                                const std::string& weights, const std::string& gate) {
  const std::string script = "echo {{weight}} >> " + weights + "; if [ {{weight}} = 20 ]; then " +
                             "while [ ! -e " + gate + " ]; do sleep 0.02; done; fi";
  const std::string yaml = "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: " + name +
                           "}\nspec:\n"
                           "  stable: {version: \"1.0.0\"}\n"
                           "  canary: {version: \"2.0.0\"}\n"
                           "  target: {static: {stable: [\"127.0.0.1:9\"], canary: "
                           "[\"127.0.0.1:9\"]}}\n"
                           "  traffic: {command: {setWeight: [\"sh\", \"-c\", \"" +
                           script +
                           "\"]}}\n"
                           "  strategy: {canary: {steps: " +
                           steps + "}}\n  rollback: {progressDeadline: 10m, keepPreviousFor: 0s}\n";
  Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, name + ".yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
  return parsed.value.value_or(RolloutSpec{});
}

inline std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

inline const std::string kHold = "[{setWeight: 20}, {pause: {}}, {setWeight: 50}, {pause: {}}]";
inline const std::string kTwoSteps = "[{setWeight: 20}, {setWeight: 60}, {pause: {}}]";

}  // namespace rollguard::testing
