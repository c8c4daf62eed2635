// `rollguard validate FILE... [--explain] [-o json]`: checks manifests of either kind and
// reports every problem with its place; --explain prints each manifest with every default.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "controller/cli/command_requirements.hpp"
#include "controller/cli/commands.hpp"
#include "manifests/duration.hpp"
#include "manifests/manifest_file.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/overloaded.hpp"
#include "manifests/yaml_emit.hpp"

namespace rollguard::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool explain = false;
  std::string output = "text";
};

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string describe_strategy(const StrategySpec& strategy) {
  return std::visit(
      Overloaded{[](const CanaryStrategy& c) {
                   return std::string("canary strategy") + (c.baseline ? " with a baseline" : "") +
                          ", " + plural(c.steps.size(), "step");
                 },
                 [](const BlueGreenStrategy&) { return std::string("blue-green strategy"); },
                 [](const LinearStrategy& l) {
                   const auto percent = static_cast<long long>(l.stepWeight);
                   return "linear strategy, +" +
                          (percent == l.stepWeight ? std::to_string(percent)
                                                   : std::to_string(l.stepWeight)) +
                          "% every " + format_duration(l.interval);
                 },
                 [](const AllAtOnceStrategy& a) {
                   return "all-at-once strategy, bake " + format_duration(a.bake);
                 },
                 [](const OneBoxStrategy& o) {
                   return "one-box strategy, bake " + format_duration(o.bake);
                 }},
      strategy);
}

std::string summary(const ParsedManifest& parsed) {
  if (const auto* r = std::get_if<RolloutSpec>(&parsed.value))
    return "Rollout \"" + r->metadata.name + "\", " + describe_strategy(r->strategy);
  const auto& s = std::get<ScenarioSpec>(parsed.value);
  return "Scenario \"" + s.metadata.name + "\", rollout \"" + s.rollout.metadata.name + "\", " +
         plural(static_cast<std::size_t>(s.runs), "run");
}

// A valid manifest that `run` (a Rollout) or `simulate` (a Scenario) would still refuse: the
// same words they use, and for a Rollout what `apply` does with it.
std::vector<std::string> warnings(const ParsedManifest& parsed) {
  if (!parsed.ok()) return {};
  if (const auto* r = std::get_if<RolloutSpec>(&parsed.value)) {
    if (auto refusal = run_refusal(*r))
      return {*refusal +
              "; `apply` is refused too until the server knows a known-good version of \"" +
              r->metadata.name + "\""};
    return {};
  }
  if (auto refusal = simulate_refusal(std::get<ScenarioSpec>(parsed.value))) return {*refusal};
  return {};
}

nlohmann::ordered_json explained(const ParsedManifest& parsed) {
  if (const auto* r = std::get_if<RolloutSpec>(&parsed.value)) return to_json(*r);
  return to_json(std::get<ScenarioSpec>(parsed.value));
}

nlohmann::ordered_json diagnostic_json(const Diagnostic& d) {
  nlohmann::ordered_json out{{"file", d.file}};
  out["line"] = d.line > 0 ? nlohmann::ordered_json(d.line) : nullptr;
  out["column"] = d.line > 0 ? nlohmann::ordered_json(d.column) : nullptr;
  out["path"] = d.path;
  out["message"] = d.message;
  out["hint"] = d.hint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.hint);
  return out;
}

void print_json(const std::string& file, const ParsedManifest& parsed, bool explain) {
  nlohmann::ordered_json out{{"file", file}, {"kind", parsed.kind}, {"valid", parsed.ok()}};
  nlohmann::ordered_json diagnostics = nlohmann::ordered_json::array();
  for (const Diagnostic& d : parsed.diagnostics) diagnostics.push_back(diagnostic_json(d));
  out["diagnostics"] = diagnostics;
  out["warnings"] = warnings(parsed);
  if (explain) out["explained"] = parsed.ok() ? explained(parsed) : nullptr;
  std::cout << out.dump() << "\n";
}

// With --explain the text output is itself a YAML stream: the verdict is a comment and the
// documents are separated by ---, so it can be saved and validated again.
void print_text(const std::string& file, const ParsedManifest& parsed, bool explain, bool first) {
  if (explain && !first) std::cout << "---\n";
  for (const Diagnostic& d : parsed.diagnostics) std::cout << d.to_string() << "\n";
  if (!parsed.ok()) {
    std::cout << (explain ? "# " : "") << file << ": invalid ("
              << plural(parsed.diagnostics.size(), "problem") << ")\n";
    return;
  }
  std::cout << (explain ? "# " : "") << file << ": valid (" << summary(parsed) << ")\n";
  for (const std::string& w : warnings(parsed))
    std::cout << (explain ? "# " : "") << file << ": warning: " << w << "\n";
  if (explain) std::cout << to_yaml(explained(parsed));
}

int run_validate(const ValidateOptions& options) {
  bool all_valid = true;
  bool first = true;
  for (const std::string& file : options.files) {
    const ParsedManifest parsed = load_manifest_file(file);
    all_valid = all_valid && parsed.ok();
    if (options.output == "json")
      print_json(file, parsed, options.explain);
    else
      print_text(file, parsed, options.explain, first);
    first = false;
  }
  std::cout.flush();
  return all_valid ? kSucceeded : kUsage;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command =
      app.add_subcommand("validate", "Check Rollout and Scenario manifests (YAML or JSON)");
  command->add_option("files", options->files, "Manifest files")->required();
  command->add_flag("--explain", options->explain,
                    "Print each valid manifest with every default filled in");
  command->add_option("-o,--output", options->output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->footer(help_footer(
      {"rollguard validate rollout.yaml               # problems with file:line:column",
       "rollguard validate --explain rollout.yaml     # with every default filled in",
       "rollguard validate -o json manifests/*.yaml"},
      {{kSucceeded, "every file is valid (warnings say what run or simulate would refuse)"},
       {kUsage, "a file is invalid, or a usage error"}}));
  command->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace rollguard::cli
