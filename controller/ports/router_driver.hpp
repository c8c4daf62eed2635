#pragma once
// How requests are split (docs/manifest.md, `spec.traffic`; docs/routers.md): builtin | haproxy |
// nginx | command | none. A router is given the whole route table at once and answers only after it
// has read the result back (or otherwise verified it): the state machine treats a confirmation as
// the truth and never reports a rollback that was not confirmed.
#include <functional>
#include <string>
#include <vector>

#include "strategies/rollout_state.hpp"

namespace rollguard {

struct RouteTable {
  TrafficSplit split;
  bool preview = false;  // requests with the preview header reach the canary pool
  std::vector<std::string> stable, canary, baseline;  // "host:port" per role
  const std::vector<std::string>& endpoints(Role role) const {
    return role == Role::Stable ? stable : role == Role::Canary ? canary : baseline;
  }
  bool operator==(const RouteTable&) const = default;
};

class RouterDriver {
 public:
  virtual ~RouterDriver() = default;

  // Applies and verifies `table`; `done("")` once confirmed, `done(reason)` when it could not
  // be (the reason names the peer and what it said). Called on the router's executor.
  virtual void apply(const RouteTable& table, std::function<void(std::string error)> done) = 0;
};

}  // namespace rollguard
