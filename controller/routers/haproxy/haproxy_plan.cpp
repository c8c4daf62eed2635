#include "controller/routers/haproxy/haproxy_plan.hpp"

#include <boost/asio/ip/address.hpp>
#include <set>

#include "controller/routers/route_weights.hpp"

namespace rollguard {

namespace {

const std::vector<std::string>& servers_of(const HaproxyRouter& spec, Role r) {
  return r == Role::Stable ? spec.stable : r == Role::Canary ? spec.canary : spec.baseline;
}

}  // namespace

HaproxyPlan plan_haproxy(const HaproxyRouter& spec, const RouteTable& table) {
  HaproxyPlan plan;
  RoleCounts active;
  for (Role r : kRoles) {
    const auto& servers = servers_of(spec, r);
    const auto& endpoints = table.endpoints(r);
    const std::string role(to_string(r));
    if (endpoints.size() > servers.size()) {
      plan.error = "backend " + spec.backend + " has " + std::to_string(servers.size()) + " " +
                   role + " server(s) for " + std::to_string(endpoints.size()) +
                   " endpoints; list one server per instance under servers." + role;
      return plan;
    }
    active[r] = static_cast<int>(endpoints.empty() ? servers.size() : endpoints.size());
    if (table.split[r] > 0 && active[r] == 0) {
      plan.error = "backend " + spec.backend + " has no " + role + " server for its " +
                   percent_text(table.split[r]) + "% of traffic";
      return plan;
    }
  }
  // A server under two roles would get two weights, and the read-back could confirm neither.
  std::set<std::string> seen;
  for (Role r : kRoles)
    for (const auto& name : servers_of(spec, r))
      if (!seen.insert(name).second) {
        plan.error = "server " + spec.backend + "/" + name + " is listed under more than one role";
        return plan;
      }
  const RoleWeights weights = integer_weights(table.split, active, kHaproxyMaxWeight);
  for (Role r : kRoles) {
    const auto& servers = servers_of(spec, r);
    const auto& endpoints = table.endpoints(r);
    for (std::size_t i = 0; i < servers.size(); ++i) {
      HaproxyServerPlan server{servers[i], r, static_cast<int>(i) < active[r] ? weights[r] : 0,
                               std::nullopt};
      if (i < endpoints.size()) {
        auto endpoint = parse_endpoint(endpoints[i]);
        boost::system::error_code ec;
        if (endpoint) boost::asio::ip::make_address(endpoint->host, ec);
        if (!endpoint || ec) {
          plan.error = "endpoint \"" + endpoints[i] + "\" for server " + spec.backend + "/" +
                       servers[i] + " is not an IP address and port";
          return plan;
        }
        server.address = *endpoint;
      }
      plan.servers.push_back(std::move(server));
    }
  }
  return plan;
}

std::vector<std::string> haproxy_commands(const std::string& backend, const HaproxyPlan& plan) {
  std::vector<std::string> commands;
  for (const auto& server : plan.servers)
    if (server.address)
      commands.push_back("set server " + backend + "/" + server.name + " addr " +
                         server.address->host + " port " + std::to_string(server.address->port));
  for (const auto& server : plan.servers)
    commands.push_back("set weight " + backend + "/" + server.name + " " +
                       std::to_string(server.weight));
  return commands;
}

}  // namespace rollguard
