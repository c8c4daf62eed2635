#pragma once
// Each subcommand of `rollguard` lives in its own file and registers itself here. A command's
// callback stores the process exit code (exit_codes.hpp); its --help ends with examples and
// the codes it can give (help_footer).
#include <CLI/CLI.hpp>

#include "controller/cli/exit_codes.hpp"

namespace rollguard::cli {

// Registered in main.cpp, one line each:
// void add_<name>_command(CLI::App& app, int& exit_code);
void add_validate_command(CLI::App& app, int& exit_code);
void add_plan_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
// apply, get, status, history, promote, abort, pause, resume, retry, undo, delete
void add_client_commands(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_simulate_command(CLI::App& app, int& exit_code);
void add_router_command(CLI::App& app, int& exit_code);
void add_schema_command(CLI::App& app, int& exit_code);
// Hidden: man pages and completions from the definitions of every command added before it.
void add_help_export_command(CLI::App& app, int& exit_code);

}  // namespace rollguard::cli
