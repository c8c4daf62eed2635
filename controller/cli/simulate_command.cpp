// `rollguard simulate SCENARIO [--runs N] [--seed S] [--threads T] [-o json|text]`: the
// rollout of the scenario on a virtual clock against simulated versions. One run exits like
// `run` (0 Succeeded, 1 RolledBack, 3 Paused or Progressing at the duration cap, 4 Failed);
// more runs are a Monte Carlo over seeds seed..seed+N-1 and exit 0; 2 for an invalid scenario.
#include <iostream>
#include <thread>

#include "controller/cli/command_requirements.hpp"
#include "controller/cli/commands.hpp"
#include "controller/simulation/report.hpp"
#include "manifests/scenario_parser.hpp"

namespace rollguard::cli {
namespace {

struct SimulateOptions {
  std::string file;
  std::optional<int> runs;
  std::optional<std::uint64_t> seed;
  int threads = 0;  // 0: every core
  std::string output = "text";
};

int simulate(const SimulateOptions& options) {
  Parsed<ScenarioSpec> parsed = load_scenario_file(options.file);
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.diagnostics) std::cerr << d.to_string() << "\n";
    return kUsage;
  }
  const ScenarioSpec& scenario = *parsed.value;
  if (auto refusal = simulate_refusal(scenario)) {
    std::cerr << options.file << ": " << *refusal << "\n";
    return kUsage;
  }
  const int runs = options.runs.value_or(scenario.runs);
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  if (runs < 1) {
    std::cerr << "--runs: expected at least 1, got " << runs << "\n";
    return kUsage;
  }
  const bool json = options.output == "json";
  const std::string& name = scenario.metadata.name;

  if (runs == 1) {
    const sim::RunReport report = sim::simulate_run(scenario, seed);
    if (json) {
      for (const Event& e : report.timeline) std::cout << sim::event_json(e).dump() << "\n";
      std::cout << sim::summary_json(name, report).dump() << std::endl;
    } else {
      std::cout << sim::text_report(name, report) << std::flush;
    }
    return exit_code_for(report.phase);
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const sim::MonteCarloReport report = sim::simulate_many(scenario, seed, runs, threads);
  if (json)
    std::cout << sim::summary_json(name, report).dump() << std::endl;
  else
    std::cout << sim::text_report(name, report) << std::flush;
  return kSucceeded;
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Run a scenario's rollout on a virtual clock against simulated versions");
  cmd->add_option("SCENARIO", options->file, "Scenario manifest (YAML or JSON)")->required();
  cmd->add_option("--runs", options->runs, "Monte Carlo over this many seeds (default: spec.runs)");
  cmd->add_option("--seed", options->seed, "First seed (default: spec.seed)");
  cmd->add_option("--threads", options->threads, "Threads for a Monte Carlo (default: every core)");
  cmd->add_option("-o,--output", options->output, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->footer(help_footer(
      {"rollguard simulate scenario.yaml                       # one run, its timeline",
       "rollguard simulate scenario.yaml --runs 500 --seed 7   # Monte Carlo: rates and p50/p95",
       "rollguard simulate scenario.yaml -o json"},
      {{kSucceeded, "one run Succeeded; or --runs N > 1 finished (whatever the phases)"},
       {kRolledBack, "one run RolledBack"},
       {kUsage, "usage error or invalid scenario"},
       {kTimedOut, "one run still Paused or Progressing at the scenario's duration"},
       {kFailed, "one run Failed"}}));
  cmd->callback([options, &exit_code] { exit_code = simulate(*options); });
}

}  // namespace rollguard::cli
