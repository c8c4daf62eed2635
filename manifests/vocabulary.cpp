#include "manifests/vocabulary.hpp"

namespace rollguard {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::Stable:
      return "stable";
    case Role::Canary:
      return "canary";
    case Role::Baseline:
      return "baseline";
  }
  return "?";
}

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::Pending:
      return "Pending";
    case Phase::Progressing:
      return "Progressing";
    case Phase::Paused:
      return "Paused";
    case Phase::Succeeded:
      return "Succeeded";
    case Phase::RollingBack:
      return "RollingBack";
    case Phase::RolledBack:
      return "RolledBack";
    case Phase::Failed:
      return "Failed";
  }
  return "?";
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Successful:
      return "Successful";
    case Verdict::Inconclusive:
      return "Inconclusive";
    case Verdict::Error:
      return "Error";
    case Verdict::Failed:
      return "Failed";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view s) {
  for (Role r : kRoles)
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::optional<Phase> parse_phase(std::string_view s) {
  for (Phase p : kPhases)
    if (to_string(p) == s) return p;
  return std::nullopt;
}

}  // namespace rollguard
