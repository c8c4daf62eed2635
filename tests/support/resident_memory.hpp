#pragma once
// The resident set size of this process (VmRSS in /proc/self/status), for tests that bound
// how much memory a server in the test process takes for a load.
#include <cstddef>
#include <fstream>
#include <string>

#include "support/sanitizers.hpp"

namespace rollguard::testing {

// A bound on resident memory, as measured in a release build, for this build: ASan pads every
// allocation with redzones and keeps freed memory in its quarantine (up to 256 MiB) before
// reusing it, so the sanitizer build gets three times as much.
inline constexpr std::size_t resident_bound(std::size_t release_bound) {
  return kSanitizedBuild ? 3 * release_bound : release_bound;
}

// Bytes; 0 when /proc cannot be read.
inline std::size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6)) * 1024;  // "... kB"
  return 0;
}

}  // namespace rollguard::testing
