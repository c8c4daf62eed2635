#pragma once
// What the HAProxy router will set for a route table: a weight for every server named in the
// manifest and, where the route table lists endpoints for a role, the address of each of that
// role's servers. Pure, so that the mapping can be tested apart from HAProxy.
//
// With endpoints for a role, its first N servers point at the N endpoints (in order) and share
// the role's percentage; its remaining servers get weight 0 and keep their address. More
// endpoints than servers is an error: HAProxy cannot route to an address it has no server
// slot for. Without endpoints (a static manifest whose servers already point at the right
// place), every server of the role shares its percentage and no address is touched.
#include <optional>
#include <string>
#include <vector>

#include "controller/ports/router_driver.hpp"
#include "health/net/endpoint.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/vocabulary.hpp"

namespace rollguard {

inline constexpr int kHaproxyMaxWeight = 256;

struct HaproxyServerPlan {
  std::string name;
  Role role = Role::Stable;
  int weight = 0;
  std::optional<HostPort> address;  // IP literal and port; absent: leave it alone
  bool operator==(const HaproxyServerPlan&) const = default;
};

struct HaproxyPlan {
  std::vector<HaproxyServerPlan> servers;  // stable, then canary, then baseline servers
  std::string error;                       // non-empty: nothing can be applied
};

HaproxyPlan plan_haproxy(const HaproxyRouter& spec, const RouteTable& table);

// The runtime API commands that carry the plan out: addresses first, then weights.
std::vector<std::string> haproxy_commands(const std::string& backend, const HaproxyPlan& plan);

}  // namespace rollguard
