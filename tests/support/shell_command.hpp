#pragma once
// Runs a shell command line and captures its output: for tests of the CLI binary, which check
// what a user would see and the exit code.
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace rollguard::testing {

struct CommandRun {
  int exit_code = -1;  // -1: the command could not be started or did not exit normally
  std::string output;
};

inline CommandRun run_shell(const std::string& command) {
  CommandRun result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace rollguard::testing
