#pragma once
// Percent splits as integer server weights, for routers whose weights are small integers
// (HAProxy 0..256, nginx >= 1). Every server of a role takes the same share, so one weight per
// role suffices; servers of a role that take no traffic get 0.
//
// The scale is searched, not fixed: for every candidate top weight T in 1..max_weight, the
// role with the largest per-server share gets T and the others round(T * share / top share)
// (at least 1 when their share is above 0, so a 0.5% canary is never silently starved); the T
// whose effective split is closest to the asked one (largest absolute error in percent points)
// wins, the smallest such T on ties. Worked examples, one server per role, max 256:
//   95 / 5      -> 19 / 1      (exact: 1 of 20)
//   99.5 / 0.5  -> 199 / 1     (exact)
//   66.7 / 33.3 -> 2 / 1       (66.67 / 33.33: off by 0.03 points, as close as it gets)
//   with 2 stable servers and 1 canary, 90 / 10 -> 9 / 2 each (45 + 45 + 10)
#include <string>

#include "manifests/vocabulary.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

struct RoleWeights {
  int stable = 0;
  int canary = 0;
  int baseline = 0;
  bool operator==(const RoleWeights&) const = default;
  int& operator[](Role r) {
    return r == Role::Stable ? stable : r == Role::Canary ? canary : baseline;
  }
  int operator[](Role r) const {
    return r == Role::Stable ? stable : r == Role::Canary ? canary : baseline;
  }
};

// `servers` counts the servers of each role that take traffic. A role with a share above 0
// and no servers is the caller's error to report; it gets weight 0 here.
RoleWeights integer_weights(const TrafficSplit& split, const RoleCounts& servers, int max_weight);

// A percentage as people write it: at most 3 decimals, no trailing zeros ("12.5", "10").
std::string percent_text(double percent);

// The split that `weights` on `servers` actually produce, in percent.
TrafficSplit effective_split(const RoleWeights& weights, const RoleCounts& servers);

}  // namespace rollguard
