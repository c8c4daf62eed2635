#pragma once
// A RolloutService kept in memory, for tests of the layers above it (the HTTP API, the
// client, webhooks, metrics) and the API benchmark. It follows the interface's rules (events
// numbered per rollout, listeners called after the event is recorded, refusals as Conflict)
// with a simple phase model; `emit` lets a test move a rollout as the real controller would.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>

#include "controller/service/rollout_service.hpp"

namespace rollguard::testing {

class MemoryRolloutService final : public RolloutService {
 public:
  explicit MemoryRolloutService(TimePoint now = TimePoint{std::chrono::hours(24 * 365 * 56)})
      : now_(now) {}

  ApplyResult apply(RolloutSpec spec, const std::string& actor) override {
    {
      std::unique_lock gate(gate_mutex_);
      ++applies_waiting_;
      gate_open_.wait(gate, [this] { return !applies_held_; });
      --applies_waiting_;
    }
    std::unique_lock lock(mutex_);
    const std::string name = spec.metadata.name;
    auto it = rollouts_.find(name);
    ApplyOutcome outcome = ApplyOutcome::Created;
    if (it == rollouts_.end()) {
      RolloutStatus s;
      s.name = name;
      s.revision = 1;
      s.state.knownGood = spec.stable.value_or("");
      it = rollouts_.emplace(name, s).first;
    } else if (it->second.spec->canary != spec.canary) {
      outcome = ApplyOutcome::NewRevision;
      ++it->second.revision;
    } else {
      outcome = *it->second.spec == spec ? ApplyOutcome::Unchanged : ApplyOutcome::Updated;
    }
    RolloutStatus& s = it->second;
    s.spec = std::make_shared<const RolloutSpec>(std::move(spec));
    if (outcome == ApplyOutcome::Created || outcome == ApplyOutcome::NewRevision) {
      s.steps = 3;
      s.state.phase = Phase::Progressing;
      s.state.step = 0;
      s.state.canaryVersion = s.spec->canary;
      s.state.stableVersion = s.state.knownGood;
      s.state.verdicts.clear();
      s.state.startedAt = now_;
      s.state.message = "applied by " + actor;
      record(lock, name,
             Event{now_, EventKind::PhaseChanged, Phase::Progressing, 0,
                   "revision " + std::to_string(s.revision) + " started", actor});
    }
    ApplyResult result;
    result.outcome = outcome;
    result.status = rollouts_.at(name);
    return result;
  }

  std::optional<RolloutStatus> get(const std::string& name) const override {
    std::lock_guard lock(mutex_);
    auto it = rollouts_.find(name);
    if (it == rollouts_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<RolloutStatus> list() const override {
    std::lock_guard lock(mutex_);
    std::vector<RolloutStatus> out;
    for (const auto& [name, s] : rollouts_) out.push_back(s);
    return out;
  }

  ActionResult act(const std::string& name, const OperatorCommand& command) override {
    std::unique_lock lock(mutex_);
    auto it = rollouts_.find(name);
    if (it == rollouts_.end()) return {ServiceError::NotFound, "no rollout named " + name, {}};
    const Phase phase = it->second.state.phase;
    std::optional<Phase> next;
    switch (command.action) {
      case Action::Promote:
        if (!is_terminal(phase)) next = command.full ? Phase::Succeeded : Phase::Progressing;
        break;
      case Action::Abort:
        if (!is_terminal(phase) && phase != Phase::RollingBack) next = Phase::RolledBack;
        break;
      case Action::Pause:
        if (phase == Phase::Progressing) next = Phase::Paused;
        break;
      case Action::Resume:
        if (phase == Phase::Paused) next = Phase::Progressing;
        break;
      case Action::Retry:
        if (phase == Phase::RolledBack || phase == Phase::Failed) next = Phase::Progressing;
        break;
      case Action::Undo:
        if (phase == Phase::Succeeded) next = Phase::RolledBack;
        break;
    }
    if (!next)
      return {ServiceError::Conflict,
              std::string(to_string(command.action)) + " is refused: the rollout is " +
                  std::string(to_string(phase)),
              it->second};
    record(lock, name,
           Event{now_, EventKind::ActionApplied, phase, it->second.state.step,
                 std::string(to_string(command.action)), command.actor});
    set_phase(lock, name, *next, std::string(to_string(command.action)) + " by " + command.actor);
    return {ServiceError::None, {}, rollouts_.at(name)};
  }

  ActionResult remove(const std::string& name, const std::string& actor) override {
    std::lock_guard lock(mutex_);
    auto it = rollouts_.find(name);
    if (it == rollouts_.end()) return {ServiceError::NotFound, "no rollout named " + name, {}};
    RolloutStatus last = it->second;
    last.state.message = "removed by " + actor;
    rollouts_.erase(it);
    return {ServiceError::None, {}, last};
  }

  std::vector<StoredEvent> history(const std::string& name,
                                   std::int64_t after_seq = 0) const override {
    std::lock_guard lock(mutex_);
    std::vector<StoredEvent> out;
    auto it = events_.find(name);
    if (it == events_.end()) return out;
    for (const StoredEvent& e : it->second)
      if (e.seq > after_seq) out.push_back(e);
    return out;
  }

  std::uint64_t subscribe(Listener listener) override {
    std::lock_guard lock(mutex_);
    listeners_[next_listener_] = std::move(listener);
    return next_listener_++;
  }

  void unsubscribe(std::uint64_t id) override {
    std::lock_guard lock(mutex_);
    listeners_.erase(id);
  }

  bool ready() const override { return ready_.load(); }

  // ---- what a test drives ----
  // apply() waits at its start while held: a request that is in flight for as long as the
  // test wants.
  void hold_applies() {
    std::lock_guard gate(gate_mutex_);
    applies_held_ = true;
  }
  void release_applies() {
    {
      std::lock_guard gate(gate_mutex_);
      applies_held_ = false;
    }
    gate_open_.notify_all();
  }
  int applies_waiting() const {
    std::lock_guard gate(gate_mutex_);
    return applies_waiting_;
  }

  void set_ready(bool ready) { ready_ = ready; }
  void advance(Duration d) {
    std::lock_guard lock(mutex_);
    now_ += d;
  }

  // Moves `name` into `phase` with a PhaseChanged event (RollingBack stamps the rollback start,
  // a terminal phase the completion) and returns the event's seq.
  // `pause` is why a Paused rollout is paused (a pause step: PauseReason::Step).
  std::int64_t move_to(const std::string& name, Phase phase, const std::string& reason,
                       PauseReason pause = PauseReason::None) {
    std::unique_lock lock(mutex_);
    rollouts_.at(name).state.pause = phase == Phase::Paused ? pause : PauseReason::None;
    return set_phase(lock, name, phase, reason);
  }

  // Records an analysis verdict with its AnalysisCompleted event.
  void verdict(const std::string& name, const std::string& id, Verdict v) {
    std::unique_lock lock(mutex_);
    RolloutStatus& s = rollouts_.at(name);
    s.state.verdicts[id] = v;
    record(lock, name,
           Event{now_,
                 EventKind::AnalysisCompleted,
                 s.state.phase,
                 s.state.step,
                 std::string(to_string(v)) + ": " + id,
                 {}});
  }

  void set_split(const std::string& name, TrafficSplit split, std::size_t step) {
    std::unique_lock lock(mutex_);
    RolloutStatus& s = rollouts_.at(name);
    s.state.applied = split;
    s.state.step = step;
    record(lock, name,
           Event{now_,
                 EventKind::StepStarted,
                 s.state.phase,
                 step + 1,
                 "canary at " + std::to_string(split.canary) + "%",
                 {}});
  }

 private:
  std::int64_t set_phase(std::unique_lock<std::mutex>& lock, const std::string& name, Phase phase,
                         const std::string& reason) {
    RolloutStatus& s = rollouts_.at(name);
    s.state.phase = phase;
    s.state.message = reason;
    if (phase == Phase::RollingBack) s.state.rollbackStartedAt = now_;
    if (phase == Phase::Succeeded) s.state.knownGood = s.state.canaryVersion;
    if (phase == Phase::RolledBack || phase == Phase::Succeeded) s.state.applied = {};
    if (phase == Phase::Succeeded) s.state.applied = TrafficSplit{0, 100, 0};
    if (is_terminal(phase)) s.state.completedAt = now_;
    return record(lock, name,
                  Event{now_, EventKind::PhaseChanged, phase, s.state.step, reason, {}});
  }

  // Stores the event, then calls the listeners without the lock (as the real service does
  // from the rollout's strand, after its store write).
  std::int64_t record(std::unique_lock<std::mutex>& lock, const std::string& name, Event event) {
    RolloutStatus& s = rollouts_.at(name);
    s.updatedAt = now_;
    auto& log = events_[name];
    StoredEvent stored{name, s.revision, static_cast<std::int64_t>(log.size()) + 1, event};
    log.push_back(stored);
    const RolloutStatus snapshot = s;
    std::vector<Listener> listeners;
    for (const auto& [id, l] : listeners_) listeners.push_back(l);
    lock.unlock();
    for (const Listener& l : listeners) l(stored, snapshot);
    lock.lock();
    return stored.seq;
  }

  mutable std::mutex gate_mutex_;
  std::condition_variable gate_open_;
  bool applies_held_ = false;
  int applies_waiting_ = 0;
  mutable std::mutex mutex_;
  TimePoint now_;
  std::atomic<bool> ready_{true};
  std::map<std::string, RolloutStatus> rollouts_;
  std::map<std::string, std::vector<StoredEvent>> events_;
  std::map<std::uint64_t, Listener> listeners_;
  std::uint64_t next_listener_ = 1;
};

}  // namespace rollguard::testing
