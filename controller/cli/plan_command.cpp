// `rollguard plan FILE [--fail-at N] [--verdict V] [-o json]`: what the rollout would do, on a
// virtual clock, in an ideal world (instances start, the router confirms, analyses give the
// chosen verdicts, pauses for `promote` are promoted). A dry run of the real planners and
// state machine: nothing is started and nothing is contacted.
#include <iostream>

#include "controller/cli/commands.hpp"
#include "controller/machine/dry_run.hpp"
#include "manifests/duration.hpp"
#include "manifests/rollout_parser.hpp"
#include "strategies/program_builder.hpp"

namespace rollguard::cli {
namespace {

struct PlanOptions {
  std::string file;
  std::size_t fail_at = 0;  // 0: every analysis is Successful
  std::string verdict = "Failed";
  std::string output = "text";
};

std::string split_text(const TrafficSplit& s) {
  std::string out =
      "stable " + format_weight(s.stable) + "%  canary " + format_weight(s.canary) + "%";
  if (s.baseline > 0) out += "  baseline " + format_weight(s.baseline) + "%";
  return out;
}

int run_plan(const PlanOptions& options) {
  Parsed<RolloutSpec> parsed = load_rollout_file(options.file);
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.diagnostics) std::cerr << d.to_string() << "\n";
    return kUsage;
  }
  const RolloutSpec& spec = *parsed.value;
  Verdict bad = Verdict::Failed;
  if (options.verdict == "Inconclusive") bad = Verdict::Inconclusive;
  if (options.verdict == "Error") bad = Verdict::Error;

  DryRun run(spec, spec.stable.value_or("(known-good)"));
  const TimePoint start = run.clock.now();
  run.run_to_end(
      [&](std::size_t step) { return step == options.fail_at ? bad : Verdict::Successful; });

  const bool json = options.output == "json";
  if (!json) {
    std::cout << spec.metadata.name << ": " << run.state.stableVersion << " -> " << spec.canary
              << ", " << run.machine.planner().program().steps.size() << " steps"
              << (options.fail_at ? ", the analysis at step " + std::to_string(options.fail_at) +
                                        " gives " + options.verdict
                                  : ", every analysis Successful")
              << "\n";
  }
  TrafficSplit shown{-1, -1, -1};
  for (const Event& e : run.events) {
    const std::string offset = "+" + format_duration(e.at - start);
    if (json) {
      std::cout << nlohmann::json{{"at", offset},
                                  {"kind", to_string(e.kind)},
                                  {"phase", to_string(e.phase)},
                                  {"step", e.step},
                                  {"reason", e.reason}}
                       .dump()
                << "\n";
      continue;
    }
    if (e.kind == EventKind::Note) continue;
    std::printf("  %-9s %-12s %s\n", offset.c_str(), std::string(to_string(e.phase)).c_str(),
                e.reason.c_str());
    if (e.kind == EventKind::StepStarted) {
      const Step& step = run.machine.planner().program().steps[e.step - 1];
      if (!(step.traffic == shown)) {
        std::printf("  %-9s %-12s   traffic: %s%s\n", "", "", split_text(step.traffic).c_str(),
                    step.preview ? " (preview route to canary)" : "");
        shown = step.traffic;
      }
    }
  }
  const std::string total = format_duration(run.clock.now() - start);
  if (json) {
    std::cout << nlohmann::json{{"phase", to_string(run.state.phase)},
                                {"durationSeconds", (run.clock.now() - start).count() / 1000.0},
                                {"reason", run.state.message}}
                     .dump()
              << "\n";
  } else {
    std::cout << "=> " << to_string(run.state.phase) << " after " << total << ": "
              << run.state.message << "\n";
  }
  return exit_code_for(run.state.phase);
}

}  // namespace

void add_plan_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Dry-run a rollout on a virtual clock: its steps, traffic and timing");
  cmd->add_option("FILE", options->file, "Rollout manifest (YAML or JSON)")->required();
  cmd->add_option("--fail-at", options->fail_at,
                  "Step number (1-based) whose analysis gives --verdict instead of Successful");
  cmd->add_option("--verdict", options->verdict, "Verdict at --fail-at")
      ->check(CLI::IsMember({"Failed", "Inconclusive", "Error"}));
  cmd->add_option("-o,--output", options->output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->footer(help_footer(
      {"rollguard plan rollout.yaml                 # every analysis Successful",
       "rollguard plan rollout.yaml --fail-at 2     # step 2's analysis Failed: the rollback",
       "rollguard plan rollout.yaml --fail-at 2 --verdict Inconclusive -o json"},
      {{kSucceeded, "the dry run Succeeded"},
       {kRolledBack, "the dry run RolledBack"},
       {kUsage, "usage error or invalid manifest"},
       {kTimedOut, "the dry run stays Paused (for a verdict that promote does not lift)"}}));
  cmd->callback([options, &exit_code] { exit_code = run_plan(*options); });
}

}  // namespace rollguard::cli
