#include "controller/simulation/simulated_router.hpp"

#include "controller/simulation/sim_endpoint.hpp"

namespace rollguard::sim {

void SimulatedRouter::apply(const RouteTable& table, std::function<void(std::string error)> done) {
  scheduler_.post([this, table, done = std::move(done)] {
    const TimePoint now = scheduler_.now();
    const std::vector<std::string>* pools[] = {&table.stable, &table.canary, &table.baseline};
    for (Role role : kRoles) {
      const auto& pool = *pools[static_cast<std::size_t>(role)];
      if (!pool.empty())
        model_.set_version(role, model_.version_index(version_of_endpoint(pool.front())), now);
    }
    model_.set_split(table.split, now);
    if (on_confirmed_) on_confirmed_(table);
    done("");
  });
}

}  // namespace rollguard::sim
