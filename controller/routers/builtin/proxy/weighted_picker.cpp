#include "controller/routers/builtin/proxy/weighted_picker.hpp"

#include <algorithm>

namespace rollguard {

WeightedPicker::WeightedPicker(const TrafficSplit& split) {
  for (Role r : kRoles) {
    const auto i = static_cast<std::size_t>(r);
    weight_[i] = std::max(0.0, split[r]);
    total_ += weight_[i];
  }
}

Role WeightedPicker::next() {
  if (total_ <= 0) return Role::Stable;
  std::size_t best = 0;
  bool found = false;
  for (std::size_t i = 0; i < weight_.size(); ++i) {
    if (weight_[i] <= 0) continue;
    current_[i] += weight_[i];
    if (!found || current_[i] > current_[best]) {
      best = i;
      found = true;
    }
  }
  current_[best] -= total_;
  return kRoles[best];
}

}  // namespace rollguard
