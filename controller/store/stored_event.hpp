#pragma once
// An event as the store keeps it: numbered per rollout name (seq starts at 1 and is never
// reused, across revisions and a removal and re-creation of the same name).
#include <cstdint>
#include <string>

#include "controller/machine/event.hpp"

namespace rollguard {

struct StoredEvent {
  std::string rollout;
  int revision = 0;
  std::int64_t seq = 0;
  Event event;
  bool operator==(const StoredEvent&) const = default;
};

}  // namespace rollguard
