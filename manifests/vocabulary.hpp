#pragma once
// Small enums named by the spec, with their spelling in manifests, events and the API.
#include <array>
#include <optional>
#include <string_view>

namespace rollguard {

// The three environments a rollout can run. Stable is the known-good version.
enum class Role { Stable, Canary, Baseline };
inline constexpr std::array kRoles{Role::Stable, Role::Canary, Role::Baseline};

enum class Phase { Pending, Progressing, Paused, Succeeded, RollingBack, RolledBack, Failed };
inline constexpr std::array kPhases{Phase::Pending,   Phase::Progressing, Phase::Paused,
                                    Phase::Succeeded, Phase::RollingBack, Phase::RolledBack,
                                    Phase::Failed};

// The outcome of one measurement, of one metric over a run, or of a whole analysis run.
// Ordered from best to worst where a run takes the worst of its metrics.
enum class Verdict { Successful, Inconclusive, Error, Failed };

std::string_view to_string(Role r);
std::string_view to_string(Phase p);
std::string_view to_string(Verdict v);
std::optional<Role> parse_role(std::string_view s);
std::optional<Phase> parse_phase(std::string_view s);

inline bool is_terminal(Phase p) {
  return p == Phase::Succeeded || p == Phase::RolledBack || p == Phase::Failed;
}

}  // namespace rollguard
