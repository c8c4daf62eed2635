#pragma once
// One wording for a command that did not confirm, shared by the routers that run commands:
// "`nginx -s reload` exited with 1: nginx: [error] invalid PID number ...".
#include <string>

#include "health/process/subprocess.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

// Empty when `result` succeeded; else the argv, how it ended and the tail of its output.
std::string describe_process_failure(const Argv& argv, const ProcessResult& result,
                                     Duration timeout);

}  // namespace rollguard
