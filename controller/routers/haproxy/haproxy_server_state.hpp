#pragma once
// Reading back what HAProxy runs: the answer to `show servers state <backend>` (a version
// line, a "# name name ..." header, then one line of space-separated fields per server),
// read by the header's field names so that columns added by later HAProxy versions do not
// matter. Then the comparison with the plan that the router's confirmation rests on.
#include <string>
#include <string_view>
#include <vector>

#include "controller/routers/haproxy/haproxy_plan.hpp"

namespace rollguard {

struct HaproxyServerState {
  std::string name;
  std::string address;  // srv_addr
  int port = 0;         // srv_port
  int weight = 0;       // srv_uweight: the weight `set weight` sets
  int admin_state = 0;  // srv_admin_state bits: maintenance, drain
  bool operator==(const HaproxyServerState&) const = default;
};

struct HaproxyStateTable {
  std::vector<HaproxyServerState> servers;
  std::string error;  // HAProxy's own answer when it is not a state table ("Can't find backend.")
};

HaproxyStateTable parse_servers_state(std::string_view answer);

// Empty when every planned weight (and address, where one was set) is what HAProxy runs and
// no server meant to take traffic is in maintenance or draining; else the first mismatch.
std::string verify_servers_state(const std::string& backend, const HaproxyPlan& plan,
                                 const HaproxyStateTable& state);

}  // namespace rollguard
