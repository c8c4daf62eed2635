#pragma once
// Many simulated runs of one scenario, seeds seed..seed+runs-1, and the distribution of what
// they measured. Runs are independent, so they are shared among threads; each result lands in
// its seed's slot, so the summary is the same however many threads ran.
#include <map>
#include <optional>
#include <vector>

#include "controller/simulation/simulation_run.hpp"

namespace rollguard::sim {

struct Figure {  // one figure over the runs where it is defined
  std::int64_t defined = 0;
  std::optional<double> p50, p95, mean;
};

struct MonteCarloReport {
  std::uint64_t first_seed = 0;
  int runs = 0;
  std::map<Phase, int> phases;
  double rolled_back_rate = 0;
  OutcomeTally outcomes;  // detected, false rollbacks, inconclusive, missed, passed
  int worse_runs = 0;     // runs in which the new version served while worse than stable
  Figure time_to_detect, time_to_restore;  // seconds
  Figure faulty_requests, failed_requests, excess_failed_requests;
  std::vector<RunReport> reports;  // by seed, without timelines
};

MonteCarloReport simulate_many(const ScenarioSpec& scenario, std::uint64_t first_seed, int runs,
                               int threads = 1, SimulationOptions options = {});

// Nearest-rank percentile and mean of `values` (sorted here); nothing when empty.
Figure figure_of(std::vector<double> values);

}  // namespace rollguard::sim
