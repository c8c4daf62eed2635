#pragma once
// The words for how a process ended, shared by the target drivers' failure reasons:
// "exited with status 3", "killed by SIGKILL".
#include <string>

#include "health/process/subprocess.hpp"

namespace rollguard {

// How `result` ended; assumes it started.
std::string describe_exit(const ProcessResult& result);

// ": " and the tail of its output on one line, or "" when it wrote nothing.
std::string output_suffix(const ProcessResult& result, std::size_t limit);

}  // namespace rollguard
