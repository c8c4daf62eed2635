#include "controller/machine/dry_run.hpp"

#include <algorithm>

namespace rollguard {

DryRun::DryRun(const RolloutSpec& s, std::string known_good)
    : spec(s), machine(s), state(machine.begin(known_good, clock.now())) {}

MachineOutcome DryRun::send(const MachineInput& input) {
  MachineOutcome out = machine.apply(state, input, clock.now());
  events.insert(events.end(), out.events.begin(), out.events.end());
  return out;
}

void DryRun::converge() {
  if (state.phase == Phase::Failed) return;  // a person must act; the controller does not
  for (int round = 0; round < 64; ++round) {
    const Plan p = plan();
    bool acted = false;
    for (Role role : kRoles) {
      if (role != Role::Stable && !new_instances_start) continue;
      if (p.instances[role] > state.ready[role]) {
        send(InstancesReady{role, p.instances[role]});
        acted = true;
      }
    }
    // A rollback is confirmed by the router every time, even where traffic never moved.
    const bool verify = state.phase == Phase::RollingBack;
    if (verify || !(p.traffic == state.applied) || p.preview != state.previewApplied) {
      if (!router_up) {
        if (!router_failure_reported_) send(TrafficFailed{"connect: connection refused"});
        router_failure_reported_ = true;
        return;
      }
      send(TrafficApplied{p.traffic, p.preview});
      acted = true;
    }
    if (!acted) return;
  }
}

void DryRun::advance(Duration d) {
  clock.advance(d);
  router_failure_reported_ = false;
  send(Tick{});
  converge();
}

void DryRun::finish_analyses(Verdict verdict, const std::string& reason) {
  for (const AnalysisRequest& a : plan().analyses) send(AnalysisCompleted{a.id, verdict, reason});
  converge();
}

MachineOutcome DryRun::act(Action action, bool full, const std::string& actor) {
  MachineOutcome out = send(OperatorCommand{action, full, actor});
  converge();
  return out;
}

Duration DryRun::analysis_time(const AnalysisRequest& request) const {
  Duration longest{0};
  for (const std::string& name : request.templates) {
    const AnalysisTemplate* t = spec.find_template(name);
    if (!t) continue;
    Duration d = t->initialDelay;
    if (t->count)
      d += t->interval.value_or(Duration{0}) * *t->count;  // each covers one interval
    else if (t->interval && request.endsAt)
      d = *request.endsAt - clock.now();
    longest = std::max(longest, d);
  }
  if (request.endsAt) longest = std::max(longest, *request.endsAt - clock.now());
  return longest;
}

void DryRun::run_to_end(const std::function<Verdict(std::size_t)>& verdict_for,
                        Duration give_up_after) {
  const TimePoint give_up = clock.now() + give_up_after;
  converge();
  while (!is_terminal(state.phase) && clock.now() < give_up) {
    if (state.phase == Phase::Paused) {
      if (!act(Action::Promote, false, "dry-run").refusal) continue;
      return;  // paused for a reason a promote does not lift
    }
    const Plan p = plan();
    auto step_analysis = std::find_if(p.analyses.begin(), p.analyses.end(), [](const auto& a) {
      return a.kind != AnalysisKind::Background;
    });
    if (step_analysis != p.analyses.end()) {
      const AnalysisRequest request = *step_analysis;
      clock.advance(analysis_time(request));
      const Verdict v = verdict_for(state.step + 1);
      send(AnalysisCompleted{request.id, v,
                             "dry run: " + std::string(to_string(v)) + " by assumption"});
      converge();
      continue;
    }
    // Background analyses measure as the step's would conclude: by assumption.
    for (const AnalysisRequest& a : p.analyses)
      if (a.kind == AnalysisKind::Background)
        send(AnalysisProgress{a.id, verdict_for(state.step + 1) == Verdict::Successful});
    if (!p.wakeAt) return;
    advance(std::max(Duration{0}, *p.wakeAt - clock.now()));
  }
}

}  // namespace rollguard
