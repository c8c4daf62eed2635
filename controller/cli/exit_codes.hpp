#pragma once
// The exit codes of `rollguard`, in one place (spec/interfaces.md, "CLI"): the numbers, what
// each means, and the "Examples:" and "Exit codes:" footers every command's --help shows.
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifests/vocabulary.hpp"

namespace rollguard::cli {

enum ExitCode : int {
  kSucceeded = 0,
  kRolledBack = 1,
  kUsage = 2,
  kTimedOut = 3,
  kFailed = 4,
};

// What each code means for `run`, `apply --wait` and `status --watch`; the other commands
// give a subset, some with their own words for it.
inline constexpr std::array<std::pair<ExitCode, std::string_view>, 5> kExitCodes{{
    {kSucceeded, "Succeeded"},
    {kRolledBack, "RolledBack: the change failed; the known-good version serves"},
    {kUsage, "usage error, invalid manifest, or a request the controller refused (4xx)"},
    {kTimedOut, "still Paused or Progressing when --timeout ran out"},
    {kFailed, "Failed, or the controller could not be reached or failed (5xx): a person must act"},
}};

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

// A code a command can give, with its own meaning or (empty) the table's.
struct CodeUse {
  ExitCode code;
  std::string_view meaning = {};
};

// The codes of `run`, `apply --wait` and `status --watch`: all of them, as the table says.
inline std::vector<CodeUse> rollout_codes() {
  return {{kSucceeded}, {kRolledBack}, {kUsage}, {kTimedOut}, {kFailed}};
}

// "Examples:\n  rollguard ...   # why\n...\n\nExit codes:\n  0  ...\n" (CLI11 puts a blank
// line before it).
inline std::string help_footer(const std::vector<std::string>& examples,
                               const std::vector<CodeUse>& codes) {
  std::string out;
  if (!examples.empty()) {
    out += "Examples:\n";
    for (const std::string& e : examples) out += "  " + e + "\n";
    out += "\n";
  }
  out += "Exit codes:\n";
  for (const CodeUse& use : codes) {
    std::string_view meaning = use.meaning;
    for (const auto& [code, text] : kExitCodes)
      if (code == use.code && meaning.empty()) meaning = text;
    out += "  " + std::to_string(static_cast<int>(use.code)) + "  " + std::string(meaning) + "\n";
  }
  return out;
}

}  // namespace rollguard::cli
