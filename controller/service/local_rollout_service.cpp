#include "controller/service/local_rollout_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cstdlib>

#include "controller/service/managed_rollout.hpp"
#include "controller/store/open_store.hpp"
#include "manifests/duration.hpp"
#include "strategies/planner.hpp"

namespace rollguard {

std::variant<std::unique_ptr<LocalRolloutService>, std::string> LocalRolloutService::open(
    ServiceOptions options) {
  StoreLocation where{options.store, options.data_dir, options.holder, {}};
  if (options.leases) {
    where.fence = LeaseFence{options.replica_id, [book = options.leases](const std::string& name) {
                               return book->epoch_of(name);
                             }};
  }
  auto opened = open_store(where);
  if (auto* e = std::get_if<std::string>(&opened)) return *e;
  return std::unique_ptr<LocalRolloutService>(
      new LocalRolloutService(std::get<OpenedStore>(std::move(opened)), std::move(options)));
}

LocalRolloutService::LocalRolloutService(OpenedStore store, ServiceOptions options)
    : lock_(std::move(store.lock)),
      options_(std::move(options)),
      store_(std::move(store.store)),
      housekeeping_(io_.get_executor()),
      flush_timer_(housekeeping_) {
  for (int i = 0; i < std::max(1, options_.threads); ++i)
    threads_.emplace_back([this] { io_.run(); });
}

LocalRolloutService::~LocalRolloutService() {
  shutdown();
}

std::shared_ptr<LocalRolloutService::Managed> LocalRolloutService::find(
    const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = rollouts_.find(name);
  return it == rollouts_.end() ? nullptr : it->second;
}

std::shared_ptr<LocalRolloutService::Managed> LocalRolloutService::make_managed(
    const std::string& name, int revision, SharedSpec spec, SharedSpec applied) {
  auto m = std::make_shared<Managed>(name, revision, std::move(spec), std::move(applied),
                                     boost::asio::make_strand(io_));
  m->steps = Planner(*m->spec).program().steps.size();
  return m;
}

// Makes the runtime (drivers, router) of `m`; the predecessor hands over its router.
std::optional<std::string> LocalRolloutService::prepare(Managed& m, Managed* predecessor) {
  Managed* self = &m;
  m.runtime = std::make_unique<RolloutRuntime>(
      m.spec, m.strand, clock_,
      [this, self](const Events& events, const RolloutState& state) {
        return record(*self, events, state);
      },
      [this, self](const std::string& id, const std::string& metric, const Measurement& ms) {
        std::lock_guard lock(measurements_mutex_);
        measurements_.push_back(MeasurementRecord{
            self->name, self->revision, id, metric,
            ms.value.empty() ? std::nullopt : std::optional<double>(ms.value.front()), ms.verdict,
            ms.at});
      });
  if (options_.on_wake_lag) m.runtime->observe_wake_lag(options_.on_wake_lag);
  if (options_.leases)
    m.runtime->guard_actions(
        [book = options_.leases, name = m.name] { return book->why_not(name); });
  m.runtime->retry_records_every(options_.store_retry);
  auto error = m.runtime->prepare(predecessor ? predecessor->runtime.get() : nullptr);
  if (error) {
    spdlog::error("{}: not started: {}", m.name, *error);
    m.problem = *error;
    m.runtime.reset();
  }
  return error;
}

// The store write before anything is acted on. A write that fails (a full disk, a read-only
// file system) is not acted on: the reconciler holds the transition and offers it again, the
// API answers 503 for the request that caused it, and the log says so once per outage.
std::optional<std::string> LocalRolloutService::record(Managed& m, const Events& events,
                                                       const RolloutState& state,
                                                       std::optional<bool> removed) {
  auto stored = store_->append(m.name, m.revision, events, state, removed);
  if (auto* e = std::get_if<StoreError>(&stored)) {
    if (!m.store_failing) {
      spdlog::error(
          "{}: store: {}; nothing of it is acted on: the rollout holds still at its last "
          "recorded state and tries again every {}",
          m.name, e->message, format_duration(options_.store_retry));
    }
    m.store_failing = true;
    std::lock_guard lock(mutex_);
    auto it = rollouts_.find(m.name);
    if (!m.removing && it != rollouts_.end() && it->second.get() == &m)
      snapshot_[m.name].storeError = "store: " + e->message;
    return "store: " + e->message;
  }
  if (m.store_failing) {
    spdlog::info("{}: the store takes writes again; {} held event(s) recorded", m.name,
                 events.size());
    m.store_failing = false;
  }
  const RolloutStatus status =
      status_of(m, state, events.empty() ? clock_.now() : events.back().at);
  {
    std::lock_guard lock(mutex_);
    auto it = rollouts_.find(m.name);
    if (!m.removing && it != rollouts_.end() && it->second.get() == &m) snapshot_[m.name] = status;
  }
  std::vector<std::shared_ptr<Listener>> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    for (const auto& [id, l] : listeners_) listeners.push_back(l);
  }
  for (const StoredEvent& e : std::get<std::vector<StoredEvent>>(stored))
    for (const auto& l : listeners) (*l)(e, status);
  return std::nullopt;
}

void LocalRolloutService::record_note(const std::string& name, int revision, Event note) {
  auto m = find(name);
  if (!m || m->revision != revision || closed_) return;
  boost::asio::post(m->strand, [this, m, note = std::move(note)] {
    std::optional<RolloutState> state;
    {
      std::lock_guard lock(mutex_);
      auto it = snapshot_.find(m->name);
      if (!m->removing && it != snapshot_.end() && it->second.revision == m->revision)
        state = it->second.state;  // the last state written: the note changes nothing of it
    }
    // A note is not a transition: one the store does not take is logged and let go.
    if (state && !closed_) {
      if (auto e = record(*m, {note}, *state))
        spdlog::warn("{}: note not recorded: {}", m->name, *e);
    }
  });
}

RolloutStatus LocalRolloutService::status_of(const Managed& m, const RolloutState& state,
                                             TimePoint at) const {
  RolloutStatus s;
  s.name = m.name;
  s.revision = m.revision;
  s.spec = m.spec;
  s.state = state;
  s.steps = m.steps;
  if (m.runtime && m.runtime->running()) {
    for (const AnalysisRequest& a : m.runtime->reconciler().plan().analyses)
      s.analysesRunning.push_back(a.id);
  }
  s.updatedAt = at;
  s.owner = options_.replica_id;
  return s;
}

std::optional<std::string> LocalRolloutService::adopt() {
  // A replica takes its rollouts over one by one, as their leases come to it.
  auto loaded = options_.leases ? StoreResult<Store::Loaded>(Store::Loaded{}) : store_->load();
  // Without the rollouts it holds, the service must not take new ones: it would write beside
  // records it cannot see. It stays not ready; serve exits.
  if (auto* e = std::get_if<StoreError>(&loaded)) {
    std::lock_guard lock(mutex_);
    problems_.push_back(e->message);
    return "store: " + e->message;
  }
  Store::Loaded& all = std::get<Store::Loaded>(loaded);
  std::vector<std::future<void>> resumed;
  std::lock_guard life(lifecycle_);
  for (const auto& [name, why] : all.unreadable) {
    std::lock_guard lock(mutex_);
    problems_.push_back(name + ": " + why);
    spdlog::error("{}: not re-adopted: {}", name, why);
  }
  for (RolloutRecord& r : all.rollouts)
    if (auto done = readopt(r); done.valid()) resumed.push_back(std::move(done));
  for (auto& f : resumed) f.wait();
  if (auto pruned = store_->prune_measurements(clock_.now() - options_.measurement_retention);
      std::holds_alternative<StoreError>(pruned))
    spdlog::warn("measurement retention: {}", std::get<StoreError>(pruned).message);
  schedule_housekeeping();
  ready_ = true;
  return std::nullopt;
}

std::future<void> LocalRolloutService::readopt(RolloutRecord& r) {
  const bool settled_away = r.removed && is_terminal(r.state.phase);
  if (settled_away) {
    std::lock_guard lock(mutex_);
    removed_[r.name] = Tombstone{r.revision, r.state.knownGood};
    return {};
  }
  auto spec = std::make_shared<const RolloutSpec>(std::move(r.spec));
  // Most rows were never updated in place: one object for both.
  SharedSpec applied =
      r.applied == *spec ? spec : std::make_shared<const RolloutSpec>(std::move(r.applied));
  std::shared_ptr<Managed> m = make_managed(r.name, r.revision, spec, applied);
  m->removing = r.removed;
  prepare(*m, nullptr);  // logs why not
  {
    std::lock_guard lock(mutex_);
    if (!m->problem.empty()) problems_.push_back(r.name + ": " + m->problem);
    (r.removed ? leaving_ : rollouts_)[r.name] = m;
    if (!r.removed) snapshot_[r.name] = status_of(*m, r.state, r.updatedAt);
  }
  auto done = std::make_shared<std::promise<void>>();
  boost::asio::post(m->strand, [this, m, state = r.state, done] {
    if (m->runtime) m->runtime->resume(state);
    if (m->removing) watch_removal(m, clock_.now() + m->spec->rollback.progressDeadline);
    done->set_value();
  });
  return done->get_future();
}

std::optional<std::string> LocalRolloutService::take_over(const std::string& name) {
  auto problems = take_over(std::vector<std::string>{name});
  if (problems.empty()) return std::nullopt;
  return problems.begin()->second;
}

std::map<std::string, std::string> LocalRolloutService::take_over(
    const std::vector<std::string>& names) {
  std::map<std::string, std::string> problems;
  if (closed_) {
    for (const std::string& name : names) problems[name] = "the controller is stopping";
    return problems;
  }
  std::lock_guard life(lifecycle_);
  std::vector<std::string> wanted;
  for (const std::string& name : names)
    if (!manages(name)) wanted.push_back(name);
  if (wanted.empty()) return problems;
  auto loaded = store_->load_rollouts(wanted);
  if (auto* e = std::get_if<StoreError>(&loaded)) {
    for (const std::string& name : wanted) problems[name] = "store: " + e->message;
    return problems;
  }
  Store::Loaded& rows = std::get<Store::Loaded>(loaded);
  for (const auto& [name, why] : rows.unreadable) problems[name] = why;
  // Every runtime resumes on its own strand at once; then all are waited for.
  std::vector<std::future<void>> resumed;
  for (RolloutRecord& record : rows.rollouts)
    if (auto done = readopt(record); done.valid()) resumed.push_back(std::move(done));
  for (auto& done : resumed) done.wait();
  std::lock_guard lock(mutex_);
  for (const std::string& name : wanted)
    for (auto* from : {&rollouts_, &leaving_})
      if (auto it = from->find(name); it != from->end() && !it->second->problem.empty())
        problems[name] = it->second->problem;
  return problems;
}

void LocalRolloutService::let_go(const std::string& name, bool lost) {
  std::lock_guard life(lifecycle_);
  std::shared_ptr<Managed> m;
  {
    std::lock_guard lock(mutex_);
    for (auto* from : {&rollouts_, &leaving_}) {
      if (auto it = from->find(name); it != from->end()) {
        m = it->second;
        from->erase(it);
      }
    }
    snapshot_.erase(name);
  }
  if (!m) return;
  auto done = std::make_shared<std::promise<void>>();
  auto stopped = done->get_future();
  boost::asio::post(m->strand, [this, m, done, lost] {
    m->timer.cancel();
    if (!lost) return stop_when_idle(m, std::chrono::steady_clock::now() + 5s, done);
    // Another replica may own it already: not one more action, whatever is in flight.
    if (!m->runtime || !m->runtime->running()) return done->set_value();
    m->runtime->stop(false, [done] { done->set_value(); });
  });
  stopped.wait();
  if (m->runtime) m->runtime->drain_router(1s);
}

bool LocalRolloutService::manages(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return rollouts_.contains(name) || leaving_.contains(name);
}

std::vector<std::string> LocalRolloutService::managed() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto* from : {&rollouts_, &leaving_})
    for (const auto& [name, m] : *from) names.push_back(name);
  return names;
}

std::vector<std::string> LocalRolloutService::problems() const {
  std::lock_guard lock(mutex_);
  return problems_;
}

void LocalRolloutService::flush_measurements() {
  std::vector<MeasurementRecord> batch;
  {
    std::lock_guard lock(measurements_mutex_);
    batch.swap(measurements_);
  }
  if (batch.empty()) return;
  // Measurements are not transitions: a batch the store does not take is dropped (an analysis
  // re-measures after a restart), said once per outage.
  auto e = store_->add_measurements(batch);
  if (e && !measurements_failing_)
    spdlog::warn("measurements: {}; dropped until the store takes writes again", e->message);
  if (!e && measurements_failing_) spdlog::info("measurements: the store takes writes again");
  measurements_failing_ = e.has_value();
}

// Every flush interval: measurements to the store; about hourly: retention.
void LocalRolloutService::schedule_housekeeping() {
  flush_timer_.expires_after(options_.measurement_flush);
  flush_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || closed_) return;
    flush_measurements();
    if (++flushes_ % 3600 == 0)
      store_->prune_measurements(clock_.now() - options_.measurement_retention);
    schedule_housekeeping();
  });
}

// On the strand: waits (bounded) for a router change in flight, then stops acting.
void LocalRolloutService::stop_when_idle(const std::shared_ptr<Managed>& m,
                                         std::chrono::steady_clock::time_point deadline,
                                         std::shared_ptr<std::promise<void>> done) {
  m->timer.cancel();
  if (!m->runtime || !m->runtime->running()) return done->set_value();
  if (!m->runtime->reconciler().idle() && std::chrono::steady_clock::now() < deadline) {
    m->timer.expires_after(20ms);
    m->timer.async_wait([this, m, deadline, done](const boost::system::error_code&) {
      stop_when_idle(m, deadline, done);
    });
    return;
  }
  // Process targets' instances would die with this process anyway; stop them in order.
  // Anything else (static, command) keeps serving while the controller is away.
  const bool processes = std::holds_alternative<ProcessTarget>(m->spec->target);
  m->runtime->stop(processes, [done] { done->set_value(); });
}

void LocalRolloutService::shutdown() {
  if (closed_.exchange(true)) return;
  ready_ = false;
  std::lock_guard life(lifecycle_);
  std::vector<std::shared_ptr<Managed>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, m] : rollouts_) all.push_back(m);
    for (const auto& [name, m] : leaving_) all.push_back(m);
  }
  // Each rollout stops between two transitions, after a router change in flight has been
  // confirmed (bounded), so the recorded state and the world agree.
  std::vector<std::future<void>> stopped;
  for (const auto& m : all) {
    auto done = std::make_shared<std::promise<void>>();
    stopped.push_back(done->get_future());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    boost::asio::post(m->strand, [this, m, done, deadline] { stop_when_idle(m, deadline, done); });
  }
  for (auto& f : stopped) f.wait();
  for (const auto& m : all)
    if (m->runtime) m->runtime->drain_router(1s);
  std::vector<std::future<void>> drains;
  {
    std::lock_guard lock(mutex_);
    drains.swap(drains_);
  }
  for (auto& f : drains) f.wait();
  flush_timer_.cancel();
  flush_measurements();
  work_.reset();
  io_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

}  // namespace rollguard
