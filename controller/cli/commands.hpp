#pragma once
// Each subcommand of `rollguard` lives in its own file and registers itself here. A command's
// callback stores the process exit code (docs/run.md: 0 Succeeded, 1 RolledBack,
// 2 usage or invalid manifest, 3 timed out, 4 Failed or unreachable).
#include <CLI/CLI.hpp>

#include "manifests/vocabulary.hpp"

namespace rollguard::cli {

enum ExitCode : int {
  kSucceeded = 0,
  kRolledBack = 1,
  kUsage = 2,
  kTimedOut = 3,
  kFailed = 4,
};

// The exit code of a rollout that ended (or stopped waiting) in `phase`.
inline int exit_code_for(Phase phase) {
  switch (phase) {
    case Phase::Succeeded:
      return kSucceeded;
    case Phase::RolledBack:
      return kRolledBack;
    case Phase::Failed:
      return kFailed;
    default:
      return kTimedOut;
  }
}

// Registered in main.cpp, one line each:
// void add_<name>_command(CLI::App& app, int& exit_code);
void add_validate_command(CLI::App& app, int& exit_code);
void add_plan_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
// apply, get, status, history, promote, abort, pause, resume, retry, undo, delete
void add_client_commands(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_simulate_command(CLI::App& app, int& exit_code);

}  // namespace rollguard::cli
