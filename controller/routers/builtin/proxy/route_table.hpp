#pragma once
// What the router applies: the split, whether the preview route is on, and the backends of
// each role. A change publishes a whole new table; requests already routed keep the upstream
// they were given, so a switch never moves a request in flight.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "manifests/vocabulary.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard {

// The readable form, as set by the controller and read back for verification.
struct ProxyRouteTable {
  TrafficSplit split;
  bool preview = false;                           // the preview header routes to the canary pool
  std::array<std::vector<std::string>, 3> pools;  // "host:port" per role, indexed by Role
  std::uint64_t generation = 0;                   // bumps on every change
  const std::vector<std::string>& pool(Role r) const { return pools[static_cast<int>(r)]; }
  bool operator==(const ProxyRouteTable&) const = default;
};

// One backend, resolved once when the pool is set, never on the request path.
struct UpstreamTarget {
  boost::asio::ip::tcp::endpoint endpoint;
  std::uint32_t id = 0;  // stable for the same "host:port" across tables: keys the idle pools
};

struct ActiveRoutes {
  ProxyRouteTable table;
  std::array<std::vector<UpstreamTarget>, 3> targets;  // parallel to table.pools
  const std::vector<UpstreamTarget>& targets_of(Role r) const {
    return targets[static_cast<int>(r)];
  }
};

// "host:port", "[v6]:port" or "name:port" (resolved now, IPv4 preferred); a string on error.
std::variant<boost::asio::ip::tcp::endpoint, std::string> resolve_endpoint(std::string_view text);

}  // namespace rollguard
