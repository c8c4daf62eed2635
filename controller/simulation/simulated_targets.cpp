#include "controller/simulation/simulated_targets.hpp"

#include "controller/simulation/sim_endpoint.hpp"

namespace rollguard::sim {

void SimulatedTargets::scale(Role role, const std::string& version, int count) {
  RoleState& rs = roles_[static_cast<std::size_t>(role)];
  const std::uint64_t generation = ++rs.generation;
  rs.version = version;
  rs.count = count;
  if (count <= 0) {
    rs.ready = 0;
    scheduler_.post([this, role] { report(role); });
    return;
  }
  scheduler_.at(scheduler_.now() + startup_, [this, role, generation] {
    RoleState& now = roles_[static_cast<std::size_t>(role)];
    if (now.generation != generation) return;
    const int v = model_.version_index(now.version);
    if (model_.state(v, scheduler_.now()).crashed) {  // it starts, and dies as before
      now.ready = 0;
      return report(role, died(role, now));
    }
    now.ready = now.count;
    report(role);
  });
}

void SimulatedTargets::crash(int version) {
  for (Role role : kRoles) {
    RoleState& rs = roles_[static_cast<std::size_t>(role)];
    if (rs.ready == 0 || model_.version_index(rs.version) != version) continue;
    rs.ready = 0;
    ++rs.generation;
    report(role, died(role, rs));
  }
}

std::string SimulatedTargets::died(Role role, const RoleState& rs) const {
  return "instance 0 of " + std::string(to_string(role)) + " " + rs.version + " (" +
         make_endpoint(role, 0, rs.version) + ") exited with status 1";
}

void SimulatedTargets::report(Role role, std::string failure) {
  const RoleState& rs = roles_[static_cast<std::size_t>(role)];
  TargetReport r{role, rs.ready, {}, std::move(failure)};
  for (int i = 0; i < rs.ready; ++i) r.endpoints.push_back(make_endpoint(role, i, rs.version));
  if (observer_) observer_(r);
}

}  // namespace rollguard::sim
