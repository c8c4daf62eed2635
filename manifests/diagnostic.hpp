#pragma once
// A validation problem, located precisely enough that a person can fix it without the code:
//   checkout.yaml:14:7: spec.strategy.canary.steps[2]: unknown key "setWeigth" (did you mean
//   "setWeight"?)
#include <string>
#include <vector>

namespace rollguard {

struct Diagnostic {
  std::string file;     // may be empty (API bodies)
  int line = 0;         // 1-based; 0 when the parser gave no position
  int column = 0;       // 1-based
  std::string path;     // dotted: spec.strategy.canary.steps[2].setWeight
  std::string message;  // what is wrong and what was expected
  std::string hint;     // e.g. did you mean "setWeight"? ; may be empty

  std::string to_string() const;
  bool operator==(const Diagnostic&) const = default;
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace rollguard
