#pragma once
// The `rollguard` command line as data, read from the CLI11 definitions themselves, so that
// the man pages and the shell completions (help_export.hpp) are never written a second time.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace rollguard::cli {

struct OptionDoc {
  std::vector<std::string> flags;    // "-o", "--output"; empty for a positional
  std::string positional;            // "FILE"
  std::string value;                 // "TEXT", "INT"; empty for a flag without a value
  std::vector<std::string> choices;  // from a CLI::IsMember check
  std::string description;
  bool required = false;
  bool repeated = false;  // a positional that takes several values (FILE...)
};

struct CommandDoc {
  std::string name;  // "rollguard", "run"
  std::string path;  // "rollguard", "rollguard run"
  std::string description;
  std::string footer;  // "Examples:\n..." and "Exit codes:\n..." (help_footer)
  std::vector<OptionDoc> options;
  std::vector<CommandDoc> subcommands;  // the visible ones; hidden ones are internal
};

CommandDoc describe_cli(const CLI::App& app);

}  // namespace rollguard::cli
