#include <CLI/CLI.hpp>
#include <iostream>

#include "controller/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"rollguard: deployment-safety controller"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rollguard " ROLLGUARD_VERSION);
  app.footer(rollguard::cli::help_footer(
      {"rollguard validate rollout.yaml && rollguard run rollout.yaml --timeout 30m",
       "rollguard serve    # then, elsewhere: rollguard apply rollout.yaml --wait",
       "rollguard COMMAND --help   # each command's flags, examples and exit codes"},
      [] {
        auto codes = rollguard::cli::rollout_codes();
        codes[0].meaning =
            "Succeeded (run, apply --wait, status --watch; each command's --help "
            "lists its own codes)";
        return codes;
      }()));
  int exit_code = rollguard::cli::kSucceeded;
  rollguard::cli::add_validate_command(app, exit_code);
  rollguard::cli::add_plan_command(app, exit_code);
  rollguard::cli::add_run_command(app, exit_code);
  rollguard::cli::add_client_commands(app, exit_code);
  rollguard::cli::add_serve_command(app, exit_code);
  rollguard::cli::add_simulate_command(app, exit_code);
  rollguard::cli::add_schema_command(app, exit_code);
  rollguard::cli::add_router_command(app, exit_code);
  rollguard::cli::add_help_export_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : rollguard::cli::kUsage;
  }
  return exit_code;
}
