#include "controller/simulation/simulated_prober.hpp"

#include "controller/simulation/sim_endpoint.hpp"

namespace rollguard::sim {

void SimulatedProber::probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) {
  const int version = model_.version_index(version_of_endpoint(request.endpoint));
  ProbeResult result;
  result.ok = !model_.state(version, scheduler_.now()).crashed;
  if (!result.ok) result.reason = "connect to " + request.endpoint + ": connection refused";
  scheduler_.post([done = std::move(done), result = std::move(result)] { done(result); });
}

}  // namespace rollguard::sim
