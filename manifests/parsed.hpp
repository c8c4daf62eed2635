#pragma once
// What a parser returns: the value when the input was valid, and every problem found.
#include <optional>

#include "manifests/diagnostic.hpp"

namespace rollguard {

template <class T>
struct Parsed {
  std::optional<T> value;   // set exactly when diagnostics is empty
  Diagnostics diagnostics;  // ordered by file, then line and column
  bool ok() const { return value.has_value(); }
};

}  // namespace rollguard
