// `rollguard schema [rollout|scenario|release]`: the JSON Schema of a manifest kind, generated
// from the shape table the validator reads with (manifests/json_schema.hpp; docs/editors.md).
#include <iostream>
#include <memory>

#include "controller/cli/commands.hpp"
#include "manifests/json_schema.hpp"
#include "manifests/shape.hpp"

namespace rollguard::cli {
namespace {

int run_schema(const std::string& kind) {
  if (kind == "release") {
    std::cerr << "rollguard schema: releases are not built yet, so there is no Release schema "
                 "(issue 19 adds the Release manifest); kinds with a schema: rollout, scenario\n";
    return kUsage;
  }
  std::cout << json_schema(kind == "scenario" ? kScenarioShape : kRolloutShape).dump(2) << "\n";
  return kSucceeded;
}

}  // namespace

void add_schema_command(CLI::App& app, int& exit_code) {
  auto kind = std::make_shared<std::string>("rollout");
  CLI::App* cmd = app.add_subcommand(
      "schema", "Print the JSON Schema (draft-07) of a manifest kind, for editors and CI");
  cmd->add_option("KIND", *kind, "rollout (the default), scenario or release")
      ->check(CLI::IsMember({"rollout", "scenario", "release"}));
  cmd->footer(
      help_footer({"rollguard schema > rollout.schema.json     # then: # yaml-language-server: "
                   "$schema=rollout.schema.json",
                   "rollguard schema scenario > scenario.schema.json"},
                  {{kSucceeded, "the schema was printed"},
                   {kUsage, "usage error, or a kind without a schema yet (release)"}}));
  cmd->callback([kind, &exit_code] { exit_code = run_schema(*kind); });
}

}  // namespace rollguard::cli
