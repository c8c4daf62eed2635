#pragma once
// The resident set size of this process (VmRSS in /proc/self/status), for tests that bound
// how much memory a server in the test process takes for a load.
#include <cstddef>
#include <fstream>
#include <string>

namespace rollguard::testing {

// Bytes; 0 when /proc cannot be read.
inline std::size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6)) * 1024;  // "... kB"
  return 0;
}

}  // namespace rollguard::testing
