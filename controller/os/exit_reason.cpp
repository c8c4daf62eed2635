#include "controller/os/exit_reason.hpp"

#include <string.h>

#include "health/text.hpp"

namespace rollguard {

std::string describe_exit(const ProcessResult& result) {
  if (result.signal != 0) {
    const char* name = ::sigabbrev_np(result.signal);
    return "killed by " + (name != nullptr ? "SIG" + std::string(name)
                                           : "signal " + std::to_string(result.signal));
  }
  return "exited with status " + std::to_string(result.exit_code);
}

std::string output_suffix(const ProcessResult& result, std::size_t limit) {
  std::string tail = tail_excerpt(result.output, limit);
  return tail.empty() ? std::string() : ": " + tail;
}

}  // namespace rollguard
