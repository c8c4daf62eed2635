#include "controller/runtime/reconciler.hpp"

#include <algorithm>
#include <stdexcept>

namespace rollguard {
namespace {

std::size_t slot(Role r) {
  return static_cast<std::size_t>(r);
}

void earliest(std::optional<TimePoint>& into, std::optional<TimePoint> t) {
  if (t && (!into || *t < *into)) into = t;
}

}  // namespace

Reconciler::Reconciler(ReconcilerParts parts, EventSink on_event)
    : Reconciler(std::move(parts), Recorder([on_event = std::move(on_event)](
                                                const Events& events, const RolloutState& s) {
                   for (const Event& e : events) on_event(e, s);
                   return std::optional<std::string>();
                 })) {}

Reconciler::Reconciler(ReconcilerParts parts, Recorder record)
    : parts_(std::move(parts)), record_(std::move(record)), machine_(*parts_.spec) {
  // A missing router would confirm every split without moving traffic.
  if (!parts_.router || !parts_.targets) throw std::logic_error("reconciler without its drivers");
}

void Reconciler::emit(const Events& events) {
  if (events.empty()) return;
  unrecorded_.insert(unrecorded_.end(), events.begin(), events.end());
  record();
}

// Offers the held events, with the state they led to, to the recorder; true once written.
bool Reconciler::record() {
  if (unrecorded_.empty()) return true;
  record_error_ = record_(unrecorded_, state_);
  if (record_error_) {
    record_retry_at_ = now() + parts_.record_retry;
    return false;
  }
  unrecorded_.clear();
  record_retry_at_.reset();
  return true;
}

// The held transitions are written: act on them. The time they waited for the store is not
// the rollout's lack of progress (as a controller's downtime is not, on resume).
void Reconciler::release() {
  state_.lastProgressAt = std::max(state_.lastProgressAt, now());
  if (state_.phase == Phase::RollingBack)
    state_.rollbackStartedAt = std::max(state_.rollbackStartedAt, now());
  feed(Tick{});
}

Reconciler::~Reconciler() {
  lifeline_->cut();
  parts_.waker->cancel();
}

const std::vector<std::string>& Reconciler::endpoints(Role role) const {
  return endpoints_[slot(role)];
}

std::vector<std::string> Reconciler::analyses_running() const {
  return analyses_ ? analyses_->running_ids() : std::vector<std::string>{};
}

void Reconciler::start(const std::string& known_good) {
  state_ = machine_.begin(known_good, now());
  emit({Event{now(), EventKind::PhaseChanged, Phase::Pending, 0, state_.message, {}}});
  attach();
  reconcile();
}

void Reconciler::resume(RolloutState state) {
  state_ = std::move(state);
  state_.ready = RoleCounts{};
  state_.lastProgressAt = std::max(state_.lastProgressAt, now());
  if (state_.phase == Phase::RollingBack)
    state_.rollbackStartedAt = std::max(state_.rollbackStartedAt, now());
  attach();
  reconcile();
}

// Wires the analysis runner, the probe loop and the driver's reports to this state.
void Reconciler::attach() {
  AnalysisEnvironment env = parts_.analysis;
  env.spec = parts_.spec;
  env.stable_version = state_.stableVersion;
  env.canary_version = state_.canaryVersion;
  env.post = parts_.post;
  env.endpoint_of = [this](Role role) {
    const auto& e = endpoints_[slot(role)];
    return e.empty() ? std::string{} : e.front();
  };
  analyses_ = std::make_unique<AnalysisRunner>(
      std::move(env),
      [this](const std::string& id, bool successful) { on_analysis_progress(id, successful); },
      [this](const std::string& id, Verdict v, const std::string& why) {
        feed(AnalysisCompleted{id, v, why});
      });
  if (parts_.prober && !parts_.spec->probes.empty()) {
    probes_ = std::make_unique<ProbeLoop>(
        parts_.spec->probes, *parts_.prober, parts_.post,
        [this](Role role, const std::string& why) {
          feed(ProbeFailed{role, why});
        },
        [this](TimePoint due) { on_probe_result(due); });
  }
  // The driver may outlive this reconciler (a stopped revision's driver tearing down): the
  // report handler touches nothing of ours but the lifeline.
  parts_.targets->on_report([this, lifeline = lifeline_](const TargetReport& report) {
    lifeline->deliver([this, report] { on_target(report); });
  });
}

CommandOutcome Reconciler::command(const OperatorCommand& command) {
  const RolloutState before = state_;
  const std::size_t held = unrecorded_.size();
  CommandOutcome out{machine_.apply(state_, command, now()), {}};
  emit(out.events);
  if (unrecorded_.size() > held) {  // not written: the action is undone, what was held stays
    out.unrecorded = record_error_;
    state_ = before;
    unrecorded_.resize(held);
    if (!holding()) record_retry_at_.reset();
    out.events.clear();
  }
  reconcile();
  return out;
}

bool Reconciler::settled() const {
  if (!is_terminal(state_.phase)) return false;
  if (state_.phase == Phase::Failed) return true;
  const Plan p = plan();
  for (Role role : kRoles)
    if (p.instances[role] == 0 && !endpoints_[slot(role)].empty()) return false;
  return !routing_;
}

void Reconciler::feed(const MachineInput& input) {
  MachineOutcome out = machine_.apply(state_, input, now());
  emit(out.events);
  reconcile();
}

// Driver callbacks may feed the machine while we act; act again until nothing changes.
void Reconciler::reconcile() {
  if (reconciling_) {
    again_ = true;
    return;
  }
  reconciling_ = true;
  do {
    again_ = false;
    const Plan p = plan();
    plan_wake_at_ = p.wakeAt;
    if (holding()) break;                 // nothing is acted on that is not written
    if (state_.phase != Phase::Failed) {  // a person must act; the controller holds still
      scale_targets(p);
      route_traffic(p);
    }
    run_analyses(p);
    watch_probes();
  } while (again_);
  reconciling_ = false;
  wake();
}

void Reconciler::scale_targets(const Plan& p) {
  for (Role role : kRoles) {
    const std::string& version = role == Role::Canary ? state_.canaryVersion : state_.stableVersion;
    const std::pair<std::string, int> wanted{version, p.instances[role]};
    if (requested_[slot(role)] == wanted) continue;
    requested_[slot(role)] = wanted;
    parts_.targets->scale(role, version, wanted.second);
  }
}

void Reconciler::route_traffic(const Plan& p) {
  for (Role role : kRoles) {  // never send traffic to a role with nowhere to go
    if (p.traffic[role] > 0 && endpoints_[slot(role)].empty()) return;
  }
  if (p.preview && endpoints_[slot(Role::Canary)].empty()) return;
  // A rollback is confirmed anew even when the table looks unchanged. `<=`: a confirmation
  // in the same millisecond as the rollback began may have arrived just before it, and one
  // apply too many is cheap where one too few would leave the rollback unverified.
  const bool rolling_back = state_.phase == Phase::RollingBack;
  const bool confirmed =
      confirmed_ && confirmed_->split == p.traffic && confirmed_->preview == p.preview &&
      std::ranges::all_of(
          kRoles, [&](Role role) { return confirmed_->endpoints(role) == endpoints_[slot(role)]; });
  const bool stale = !confirmed || (rolling_back && confirmed_at_ <= state_.rollbackStartedAt);
  if (!stale || routing_ || (router_retry_at_ && now() < *router_retry_at_)) return;
  router_retry_at_.reset();
  RouteTable table{p.traffic, p.preview, endpoints_[0], endpoints_[1], endpoints_[2]};
  routing_ = true;
  // A driver that verifies inside apply (builtin, none) is answered as part of this reconcile,
  // as if the split were a local fact; a later answer comes back through the executor.
  auto answered_inline = std::make_shared<std::optional<std::string>>();
  auto applying = std::make_shared<bool>(true);
  parts_.router->apply(table, [this, lifeline = lifeline_, table, applying,
                               answered_inline](std::string error) {
    if (*applying) {
      *answered_inline = std::move(error);
      return;
    }
    lifeline->deliver([this, table, error = std::move(error)] { route_answered(table, error); });
  });
  *applying = false;
  if (*answered_inline) route_answered(table, **answered_inline);
}

void Reconciler::route_answered(const RouteTable& table, const std::string& error) {
  routing_ = false;
  if (!error.empty()) {
    confirmed_.reset();
    router_retry_at_ = now() + parts_.router_retry;
    return feed(TrafficFailed{error});
  }
  confirmed_ = table;
  confirmed_at_ = now();
  feed(TrafficApplied{table.split, table.preview});
}

void Reconciler::run_analyses(const Plan& p) {
  for (const std::string& id : analyses_->running_ids()) {
    const bool wanted = std::any_of(p.analyses.begin(), p.analyses.end(),
                                    [&](const AnalysisRequest& a) { return a.id == id; });
    if (!wanted) analyses_->stop(id);
  }
  for (const AnalysisRequest& a : p.analyses)
    if (!analyses_->running(a.id) && !state_.verdicts.contains(a.id)) analyses_->start(a, now());
}

void Reconciler::watch_probes() {
  if (!probes_) return;
  const bool active = state_.phase == Phase::Pending || state_.phase == Phase::Progressing ||
                      state_.phase == Phase::Paused;
  if (!active) return probes_->stop_all();
  probes_->watch(Role::Canary, endpoints_[slot(Role::Canary)], now());
  probes_->watch(Role::Baseline, endpoints_[slot(Role::Baseline)], now());
}

void Reconciler::wake() {
  // While holding, the machine's own timers and the router's retry wait: what they would
  // start could not be acted on. Measurements and probes go on; the store is offered the
  // held events again.
  std::optional<TimePoint> next = holding() ? record_retry_at_ : plan_wake_at_;
  earliest(next, analyses_->next_due());
  if (probes_) earliest(next, probes_->next_due());
  if (!holding()) earliest(next, router_retry_at_);
  wake_at_ = next;
  if (!next) return;
  // Only `this`: the waker is cancelled when we go, and a function this small is not
  // allocated, which matters at a wake-up per second of every simulated hour.
  parts_.waker->wake_at(*next, [this] {
    const TimePoint t = now();
    // Most wake-ups only take measurements (the sequential judge's every batch): what they
    // conclude is fed to the machine by the runner's and the probe loop's callbacks. The
    // machine itself is asked again only when one of its own timers is due.
    analyses_->poll(t);
    if (probes_) probes_->poll(t);
    auto due = [t](const std::optional<TimePoint>& at) { return at && *at <= t; };
    if (holding()) {
      if (due(record_retry_at_) && record()) return release();
      return wake();
    }
    if (due(plan_wake_at_) || due(router_retry_at_)) return feed(Tick{});
    wake();
  });
}

// A measurement moves the no-progress deadline and nothing else of the plan, unless the
// machine made more of it (events): then everything is looked at again.
void Reconciler::on_analysis_progress(const std::string& id, bool successful) {
  MachineOutcome out = machine_.apply(state_, AnalysisProgress{id, successful}, now());
  emit(out.events);
  if (!out.events.empty() || reconciling_) return reconcile();
  plan_wake_at_ = plan().wakeAt;
  wake();
}

// A probe's result only makes that probe due again: look again sooner if it is due sooner.
void Reconciler::on_probe_result(TimePoint due) {
  if (!wake_at_ || due < *wake_at_) wake();
}

void Reconciler::on_target(const TargetReport& report) {
  endpoints_[slot(report.role)] = report.endpoints;
  if (!report.failure.empty()) feed(InstancesFailed{report.role, report.failure});
  feed(InstancesReady{report.role, report.ready});
}

}  // namespace rollguard
