#include "controller/simulation/simulated_prober.hpp"

#include "controller/simulation/sim_endpoint.hpp"

namespace rollguard::sim {

void SimulatedProber::probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) {
  const int version = model_.version_index(version_of_endpoint(request.endpoint));
  ProbeResult result;
  result.ok = !model_.state(version, scheduler_.now()).crashed;
  if (!result.ok) result.reason = "connect to " + request.endpoint + ": connection refused";
  answers_.push_back({std::move(done), std::move(result)});
  scheduler_.post([this] { answer_next(); });
}

void SimulatedProber::answer_next() {
  Answer answer = std::move(answers_.front());
  answers_.pop_front();
  answer.done(std::move(answer.result));
}

}  // namespace rollguard::sim
