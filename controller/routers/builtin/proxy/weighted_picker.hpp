#pragma once
// Chooses the role of each request from the split: smooth weighted round-robin (the nginx
// algorithm), so it is deterministic and exact: with 5/95, every 20 consecutive requests hold
// exactly one canary request, spread out rather than bunched. Each I/O thread keeps its own
// picker, so over N requests the split is exact to within one request per thread.
#include <array>

#include "manifests/vocabulary.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

class WeightedPicker {
 public:
  explicit WeightedPicker(const TrafficSplit& split = {});
  // All weights zero (or negative): Stable, the known-good version.
  Role next();

 private:
  std::array<double, 3> weight_{};
  std::array<double, 3> current_{};
  double total_ = 0;
};

}  // namespace rollguard
