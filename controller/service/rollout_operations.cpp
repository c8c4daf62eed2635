// LocalRolloutService: what the API calls — apply, read, act, remove, history, subscribe.
#include <spdlog/spdlog.h>

#include <future>

#include "controller/machine/rollout_machine.hpp"
#include "controller/service/managed_rollout.hpp"
#include "controller/service/removal_note.hpp"

namespace rollguard {
namespace {

ApplyResult refused(ServiceError error, std::string reason) {
  ApplyResult r;
  r.error = error;
  r.reason = std::move(reason);
  return r;
}

ActionResult not_found(const std::string& name) {
  return ActionResult{ServiceError::NotFound, "no rollout named \"" + name + "\"", {}};
}

ActionResult unavailable() {
  return ActionResult{ServiceError::Conflict, "the controller is starting or stopping", {}};
}

// What a caller hears when the store did not take a write: nothing of the request was done.
std::string not_recorded(const std::string& why) {
  return why +
         "; nothing was changed (free space or make the data directory writable, then "
         "ask again)";
}

}  // namespace

ApplyResult LocalRolloutService::apply(RolloutSpec spec, const std::string& actor) {
  if (!ready_) return refused(ServiceError::Conflict, "the controller is starting or stopping");
  std::lock_guard life(lifecycle_);
  const std::string name = spec.metadata.name;
  std::shared_ptr<Managed> old = find(name);
  {
    std::lock_guard lock(mutex_);
    if (leaving_.contains(name))
      return refused(ServiceError::Conflict,
                     name + " is being removed; apply again once it is gone");
  }
  if (old && old->spec->canary == spec.canary) {
    ApplyResult r;
    r.status = *get(name);
    if (spec == *old->applied) return r;  // Unchanged
    if (auto e = store_->update_applied(name, spec))
      return refused(ServiceError::StoreUnavailable, not_recorded("store: " + e->message));
    old->applied = std::make_shared<const RolloutSpec>(std::move(spec));
    r.outcome = ApplyOutcome::Updated;
    return r;
  }

  // A new revision, beside the name's known-good version: the store's when it knows one (what
  // actually serves), else the manifest's.
  std::string known_good;
  int revision = 1;
  if (old) {
    known_good = get(name)->state.knownGood;
    revision = old->revision + 1;
  } else {
    std::lock_guard lock(mutex_);
    if (auto it = removed_.find(name); it != removed_.end()) {
      known_good = it->second.known_good;
      revision = it->second.revision + 1;
    }
  }
  if (known_good.empty() && spec.stable) known_good = *spec.stable;
  if (known_good.empty()) {
    return refused(
        ServiceError::Conflict,
        "spec.stable.version is required: no known-good version of " + name + " is on record yet");
  }

  auto shared = std::make_shared<const RolloutSpec>(std::move(spec));
  std::shared_ptr<Managed> m = make_managed(name, revision, shared, shared);
  if (old) {
    auto e = retire(
        *old, "superseded by revision " + std::to_string(revision) + " (" + shared->canary + ")",
        actor);
    if (e) return refused(ServiceError::StoreUnavailable, not_recorded(*e));
  }
  auto carry_on = [&] {  // the old revision carries on where it was
    if (!old) return;
    RolloutState state = get(name)->state;
    if (!prepare(*old, nullptr)) on_strand(*old, [&] { old->runtime->resume(state); });
  };
  if (auto error = prepare(*m, old.get())) {
    carry_on();
    return refused(ServiceError::Conflict, *error);
  }

  const TimePoint now = clock_.now();
  RolloutRecord record;
  record.name = name;
  record.revision = revision;
  record.spec = record.applied = *shared;
  record.state = RolloutMachine(*m->spec).begin(known_good, now);
  record.updatedAt = now;
  const Event first{now, EventKind::PhaseChanged, Phase::Pending, 0, record.state.message, actor};
  auto stored = store_->begin_revision(record, actor, {first});
  if (auto* e = std::get_if<StoreError>(&stored)) {
    spdlog::error("{}: revision {} not started: store: {}", name, revision, e->message);
    m->runtime.reset();  // lets go of the router it may have taken over
    carry_on();
    return refused(ServiceError::StoreUnavailable, not_recorded("store: " + e->message));
  }

  const RolloutStatus initial = status_of(*m, record.state, now);
  {
    std::lock_guard lock(mutex_);
    rollouts_[name] = m;
    snapshot_[name] = initial;
    removed_.erase(name);
  }
  {
    std::vector<std::shared_ptr<Listener>> listeners;
    {
      std::lock_guard lock(listeners_mutex_);
      for (const auto& [id, l] : listeners_) listeners.push_back(l);
    }
    for (const StoredEvent& e : std::get<std::vector<StoredEvent>>(stored))
      for (const auto& l : listeners) (*l)(e, initial);
  }
  on_strand(*m, [&] { m->runtime->resume(record.state); });
  ApplyResult r;
  r.outcome = old ? ApplyOutcome::NewRevision : ApplyOutcome::Created;
  r.status = *get(name);
  return r;
}

// Stops `m` for good (a new revision replaces it): its last event says why, its instances go.
// Refused, with `m` running on, when that event cannot be written.
std::optional<std::string> LocalRolloutService::retire(Managed& m, const std::string& why,
                                                       const std::string& actor) {
  std::promise<void> gone;
  auto refusal = on_strand(m, [&]() -> std::optional<std::string> {
    if (!m.runtime || !m.runtime->running()) {
      gone.set_value();
      return std::nullopt;
    }
    const Reconciler& r = m.runtime->reconciler();
    // Held transitions would be recorded after the revision that replaced them.
    auto e = r.holding() ? r.record_error()
                         : record(m,
                                  {Event{clock_.now(), EventKind::Note, r.state().phase,
                                         r.state().phase == Phase::Pending ? 0 : r.state().step + 1,
                                         why, actor}},
                                  r.state());
    if (e) {
      gone.set_value();
      return e;
    }
    m.runtime->stop(true, [&gone] { gone.set_value(); });
    return std::nullopt;
  });
  gone.get_future().wait();
  return refusal;
}

std::optional<RolloutStatus> LocalRolloutService::get(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = snapshot_.find(name);
  if (it == snapshot_.end()) return std::nullopt;
  return it->second;
}

std::vector<RolloutStatus> LocalRolloutService::list() const {
  std::lock_guard lock(mutex_);
  std::vector<RolloutStatus> all;
  all.reserve(snapshot_.size());
  for (const auto& [name, status] : snapshot_) all.push_back(status);
  return all;
}

ActionResult LocalRolloutService::act(const std::string& name, const OperatorCommand& command) {
  if (!ready_) return unavailable();
  std::shared_ptr<Managed> m = find(name);
  if (!m) return not_found(name);
  ActionResult result;
  const bool found = on_strand(*m, [&] {
    if (m->removing) return false;
    if (!m->runtime || !m->runtime->running()) {
      result.error = ServiceError::Conflict;
      result.reason = name + " is not running: " + (m->problem.empty() ? "stopped" : m->problem);
      return true;
    }
    CommandOutcome out = m->runtime->reconciler().command(command);
    if (out.refusal) {
      result.error = ServiceError::Conflict;
      result.reason = *out.refusal;
    } else if (out.unrecorded) {
      result.error = ServiceError::StoreUnavailable;
      result.reason = not_recorded(*out.unrecorded);
    }
    return true;
  });
  if (!found) return not_found(name);
  if (auto status = get(name)) result.status = *status;
  return result;
}

ActionResult LocalRolloutService::remove(const std::string& name, const std::string& actor) {
  if (!ready_) return unavailable();
  std::lock_guard life(lifecycle_);
  std::shared_ptr<Managed> m = find(name);
  if (!m) return not_found(name);
  ActionResult result;
  result.status = *get(name);
  bool aborted = false;
  std::optional<std::string> unrecorded = on_strand(*m, [&]() -> std::optional<std::string> {
    RolloutState state = result.status.state;
    if (m->runtime && m->runtime->running()) {
      Reconciler& r = m->runtime->reconciler();
      // An active change is aborted first: traffic goes back to the known-good version.
      if (!is_terminal(r.state().phase)) {
        CommandOutcome out = r.command(OperatorCommand{Action::Abort, false, actor});
        if (out.unrecorded) return out.unrecorded;
        aborted = !out.refusal;
      }
      if (r.holding()) return r.record_error();
      state = r.state();
    }
    const std::size_t step = state.phase == Phase::Pending ? 0 : state.step + 1;
    const std::string note = removal_note(*m->spec, state.knownGood, aborted);
    m->removing = true;
    auto e = record(*m, {Event{clock_.now(), EventKind::Note, state.phase, step, note, actor}},
                    state, true);
    if (e) {
      m->removing = false;
      return e;
    }
    result.status.state = state;
    result.status.state.message = note;  // the answer says what the removal does
    return std::nullopt;
  });
  if (unrecorded) {
    // An abort that was recorded stays (the rollout rolls back); the removal did not happen.
    result.error = ServiceError::StoreUnavailable;
    result.reason = aborted ? *unrecorded + "; " + name +
                                  " was aborted (recorded) but is still managed: ask again to "
                                  "remove it once the store takes writes"
                            : not_recorded(*unrecorded);
    if (auto status = get(name)) result.status = *status;
    return result;
  }
  {
    std::lock_guard lock(mutex_);
    rollouts_.erase(name);
    snapshot_.erase(name);
    leaving_[name] = m;
  }
  boost::asio::post(m->strand, [this, m] {
    watch_removal(m, clock_.now() + m->spec->rollback.progressDeadline);
  });
  return result;
}

// On the strand: once the rollout has settled (traffic verified on the known-good version,
// the change's instances gone) or its deadline passed, the rollout is let go.
void LocalRolloutService::watch_removal(const std::shared_ptr<Managed>& m, TimePoint until) {
  const bool done = !m->runtime || !m->runtime->running() || m->runtime->reconciler().settled() ||
                    m->runtime->reconciler().state().phase == Phase::Failed ||
                    clock_.now() >= until;
  if (done) return finish_removal(m);
  m->timer.expires_after(100ms);
  m->timer.async_wait([this, m, until](const boost::system::error_code& ec) {
    if (!ec && !closed_) watch_removal(m, until);
  });
}

void LocalRolloutService::finish_removal(const std::shared_ptr<Managed>& m) {
  const bool running = m->runtime && m->runtime->running();
  {
    std::lock_guard lock(mutex_);
    removed_[m->name] =
        Tombstone{m->revision, running ? m->runtime->reconciler().state().knownGood : ""};
  }
  auto release = [this, m] {
    // Draining the built-in router blocks: not on the pool's threads.
    std::lock_guard lock(mutex_);
    std::erase_if(drains_, [](const std::future<void>& f) {
      return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    drains_.push_back(std::async(std::launch::async, [this, m] {
      if (m->runtime) m->runtime->drain_router(1s);
      std::lock_guard inner(mutex_);
      if (auto it = leaving_.find(m->name); it != leaving_.end() && it->second == m)
        leaving_.erase(it);
    }));
  };
  if (!running) return release();
  m->runtime->stop(true, release);
}

std::vector<StoredEvent> LocalRolloutService::history(const std::string& name,
                                                      std::int64_t after_seq) const {
  auto events = store_->events(name, after_seq);
  if (auto* e = std::get_if<StoreError>(&events)) {
    spdlog::error("history of {}: {}", name, e->message);
    return {};
  }
  return std::get<std::vector<StoredEvent>>(std::move(events));
}

std::uint64_t LocalRolloutService::subscribe(Listener listener) {
  std::lock_guard lock(listeners_mutex_);
  const std::uint64_t id = next_listener_++;
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void LocalRolloutService::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
}

}  // namespace rollguard
