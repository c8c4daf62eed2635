#pragma once
// Helpers for table-driven manifest tests. A case edits a known-good manifest with exact
// text replacements; "@@" in the replacement marks where the diagnostic must point, so each
// case states its expected line and column by construction rather than by counting.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifests/diagnostic.hpp"

namespace rollguard::testing {

// examples/ holds manifests, but for the CI pipelines of examples/ci/ (docs/ci.md) beside the
// rollout they gate on.
inline bool is_example_manifest(const std::filesystem::path& path) {
  return path.parent_path().filename() != "ci" || path.filename() == "rollout.yaml";
}

struct Edit {
  std::string from;
  std::string to;
};

// Applies each edit once; `from` must occur exactly once, or the case itself is wrong.
inline std::string apply_edits(std::string text, const std::vector<Edit>& edits) {
  for (const Edit& e : edits) {
    const std::size_t at = text.find(e.from);
    if (at == std::string::npos || text.find(e.from, at + 1) != std::string::npos)
      throw std::logic_error("edit source must occur exactly once: " + e.from);
    text.replace(at, e.from.size(), e.to);
  }
  return text;
}

struct Marked {
  std::string text;
  int line = 0;  // 0 when there was no marker
  int column = 0;
};

inline Marked take_marker(std::string text) {
  Marked out;
  const std::size_t at = text.find("@@");
  if (at == std::string::npos) {
    out.text = std::move(text);
    return out;
  }
  out.line = 1;
  out.column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++out.line;
      out.column = 1;
    } else {
      ++out.column;
    }
  }
  text.erase(at, 2);
  out.text = std::move(text);
  return out;
}

inline std::string dump(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += "  " + d.to_string() + "\n";
  return out.empty() ? "  (none)\n" : out;
}

}  // namespace rollguard::testing
