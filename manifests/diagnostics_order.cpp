#include "manifests/diagnostics_order.hpp"

#include <algorithm>
#include <map>

namespace rollguard {

void sort_diagnostics(Diagnostics& diagnostics) {
  std::map<std::string, std::size_t> file_rank;
  for (const Diagnostic& d : diagnostics) file_rank.emplace(d.file, file_rank.size());
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     const std::size_t fa = file_rank[a.file], fb = file_rank[b.file];
                     if (fa != fb) return fa < fb;
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
  // The same problem reached twice (e.g. a value checked by two rules) is said once.
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end()), diagnostics.end());
}

}  // namespace rollguard
