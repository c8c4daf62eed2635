#pragma once
// What a fuzz target does when a property it checks does not hold: print why and abort, which
// libFuzzer reports as a crash and saves the input for (docs/fuzzing.md, "Findings").
#include <cstdio>
#include <cstdlib>
#include <string>

namespace rollguard::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

}  // namespace rollguard::fuzz
