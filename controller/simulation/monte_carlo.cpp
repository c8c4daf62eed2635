#include "controller/simulation/monte_carlo.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <thread>

namespace rollguard::sim {
namespace {

double percentile(const std::vector<double>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * n - 1e-9)));
  return sorted[rank - 1];
}

}  // namespace

Figure figure_of(std::vector<double> values) {
  Figure f;
  f.defined = static_cast<std::int64_t>(values.size());
  if (values.empty()) return f;
  std::sort(values.begin(), values.end());
  f.p50 = percentile(values, 0.50);
  f.p95 = percentile(values, 0.95);
  f.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return f;
}

MonteCarloReport simulate_many(const ScenarioSpec& scenario, std::uint64_t first_seed, int runs,
                               int threads, SimulationOptions options) {
  MonteCarloReport out;
  out.first_seed = first_seed;
  out.runs = std::max(0, runs);
  out.reports.resize(static_cast<std::size_t>(out.runs));
  options.timeline = false;

  std::atomic<int> next{0};
  auto work = [&] {
    for (int i; (i = next.fetch_add(1)) < out.runs;)
      out.reports[static_cast<std::size_t>(i)] =
          simulate_run(scenario, first_seed + static_cast<std::uint64_t>(i), options);
  };
  threads = std::clamp(threads, 1, std::max(1, out.runs));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  std::vector<double> detect, restore, faulty, failed, excess;
  for (const RunReport& r : out.reports) {
    ++out.phases[r.phase];
    out.outcomes.add(r.outcome);
    if (r.fault_onset) ++out.worse_runs;
    if (r.time_to_detect) detect.push_back(seconds(*r.time_to_detect));
    if (r.time_to_restore) restore.push_back(seconds(*r.time_to_restore));
    faulty.push_back(static_cast<double>(r.faulty_requests));
    failed.push_back(static_cast<double>(r.failed_requests));
    excess.push_back(r.excess_failed_requests);
  }
  if (const auto it = out.phases.find(Phase::RolledBack); it != out.phases.end())
    out.rolled_back_rate = it->second / double(out.runs);
  out.time_to_detect = figure_of(std::move(detect));
  out.time_to_restore = figure_of(std::move(restore));
  out.faulty_requests = figure_of(std::move(faulty));
  out.failed_requests = figure_of(std::move(failed));
  out.excess_failed_requests = figure_of(std::move(excess));
  return out;
}

}  // namespace rollguard::sim
