#include "controller/service/replica_service.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/ip/host_name.hpp>
#include <random>
#include <set>
#include <utility>

#include "controller/service/api_error.hpp"
#include "controller/service/replica_assignment.hpp"
#include "controller/store/record_text.hpp"
#include "manifests/duration.hpp"
#include "strategies/planner.hpp"

namespace rollguard {
namespace {

using Millis = std::chrono::milliseconds;

Millis ms(Duration d) {
  return std::chrono::duration_cast<Millis>(d);
}

// Unique per process start, readable in a list: host, pid and a random suffix (a pid is
// reused after a restart; the suffix is not).
std::string new_replica_id() {
  std::random_device random;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", random());
  return boost::asio::ip::host_name() + "-" + std::to_string(::getpid()) + "-" + suffix;
}

using nlohmann::json;

constexpr Action kActions[] = {Action::Promote, Action::Abort, Action::Pause,
                               Action::Resume,  Action::Retry, Action::Undo};

// How a change's answer travels between replicas: the service's result, as data.
std::string_view error_name(ServiceError e) {
  switch (e) {
    case ServiceError::None:
      return "None";
    case ServiceError::NotFound:
      return "NotFound";
    case ServiceError::Conflict:
      return "Conflict";
    case ServiceError::StoreUnavailable:
      return "StoreUnavailable";
  }
  return "None";
}

ServiceError error_of(const json& answer) {
  const std::string e = answer.value("error", "StoreUnavailable");
  for (ServiceError k : {ServiceError::None, ServiceError::NotFound, ServiceError::Conflict})
    if (e == error_name(k)) return k;
  return ServiceError::StoreUnavailable;
}

constexpr ApplyOutcome kOutcomes[] = {ApplyOutcome::Created, ApplyOutcome::NewRevision,
                                      ApplyOutcome::Updated, ApplyOutcome::Unchanged};
int outcome_number(ApplyOutcome o) {
  return static_cast<int>(std::find(std::begin(kOutcomes), std::end(kOutcomes), o) -
                          std::begin(kOutcomes));
}

json answer_json(ServiceError error, const std::string& reason) {
  return json{{"error", error_name(error)}, {"reason", reason}};
}

// Rollouts taken over per statement and store read.
constexpr std::size_t kTakeOverBatch = 500;

json unavailable(const std::string& reason) {
  return answer_json(ServiceError::StoreUnavailable, reason);
}

}  // namespace

struct ReplicaService::Connections {
  std::unique_ptr<PgLeases> leases, renewals;
  std::unique_ptr<PgActions> outbox, inbox;
};

std::variant<std::unique_ptr<ReplicaService>, std::string> ReplicaService::open(
    ServiceOptions service, ReplicaOptions replica) {
  const std::string id = new_replica_id();
  auto leases = PgLeases::open(service.store, id);
  if (auto* e = std::get_if<StoreError>(&leases)) return e->message;
  auto renewals = PgLeases::open(service.store, id);
  if (auto* e = std::get_if<StoreError>(&renewals)) return e->message;
  auto outbox = PgActions::open(service.store);
  if (auto* e = std::get_if<StoreError>(&outbox)) return e->message;
  auto inbox = PgActions::open(service.store);
  if (auto* e = std::get_if<StoreError>(&inbox)) return e->message;
  auto book = std::make_shared<LeaseBook>();
  service.leases = book;
  service.replica_id = id;
  auto local = LocalRolloutService::open(std::move(service));
  if (auto* e = std::get_if<std::string>(&local)) return *e;
  Connections connections{std::get<std::unique_ptr<PgLeases>>(std::move(leases)),
                          std::get<std::unique_ptr<PgLeases>>(std::move(renewals)),
                          std::get<std::unique_ptr<PgActions>>(std::move(outbox)),
                          std::get<std::unique_ptr<PgActions>>(std::move(inbox))};
  return std::unique_ptr<ReplicaService>(
      new ReplicaService(id, std::move(replica), std::move(connections), std::move(book),
                         std::get<std::unique_ptr<LocalRolloutService>>(std::move(local))));
}

ReplicaService::ReplicaService(std::string id, ReplicaOptions options, Connections connections,
                               std::shared_ptr<LeaseBook> book,
                               std::unique_ptr<LocalRolloutService> local)
    : id_(std::move(id)),
      options_(std::move(options)),
      leases_(std::move(connections.leases)),
      renewals_(std::move(connections.renewals)),
      outbox_(std::move(connections.outbox)),
      inbox_(std::move(connections.inbox)),
      book_(std::move(book)),
      local_(std::move(local)) {}

ReplicaService::~ReplicaService() {
  shutdown();
}

std::optional<std::string> ReplicaService::start(const std::string& api) {
  api_ = api;
  if (auto e = local_->adopt()) return e;
  if (auto e = renewals_->beat(api_)) return "heartbeat: " + e->message;
  if (auto e = inbox_->listen(id_)) return e->message;
  renewer_ = std::thread([this] { renew_loop(); });
  loop_ = std::thread([this] { loop(); });
  inbox_thread_ = std::thread([this] { inbox(); });
  spdlog::info("replica {}: joined (lease {}, renewed every {})", id_,
               format_duration(options_.lease_ttl), format_duration(options_.renew_every));
  return std::nullopt;
}

void ReplicaService::shutdown() {
  {
    std::lock_guard lock(loop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (loop_.joinable()) loop_.join();
  if (inbox_thread_.joinable()) inbox_thread_.join();
  const std::vector<std::string> held = book_->rollouts();
  local_->shutdown();
  for (const std::string& name : held) leases_->release(name);
  leases_->leave();
  spdlog::info("replica {}: left; {} lease(s) given up", id_, held.size());
}

// Stops running `name` here and gives its lease up at once, for another replica to take.
void ReplicaService::give_up(const std::string& name, bool lost) {
  local_->let_go(name, lost);
  leases_->release(name);
  book_->forget(name);
}

void ReplicaService::renew_loop() {
  std::unique_lock lock(loop_mutex_);
  while (!stopping_) {
    lock.unlock();
    renew();
    lock.lock();
    wake_.wait_for(lock, options_.renew_every, [this] { return stopping_; });
  }
}

void ReplicaService::renew() {
  const auto sent = std::chrono::steady_clock::now();
  auto beat = renewals_->beat(api_);
  // Those held now; any acquired from here on are not in the answer, and are kept by the book.
  auto renewed = renewals_->renew(ms(options_.lease_ttl), book_->rollouts());
  const StoreError* failed = beat ? &*beat : std::get_if<StoreError>(&renewed);
  if (failed) {
    // The leases are trusted until their local deadlines pass; then nothing is acted on or
    // written until the database confirms them again (or says they are gone).
    if (!store_failing_)
      spdlog::error("replica {}: {}; rollouts hold still once their leases run out", id_,
                    failed->message);
    store_failing_ = true;
    return;
  }
  if (store_failing_) spdlog::info("replica {}: the database answers again", id_);
  store_failing_ = false;
  std::vector<std::string> lost =
      book_->renewed(std::get<std::map<std::string, std::int64_t>>(renewed), sent,
                     sent + options_.lease_ttl - options_.safety_margin);
  if (lost.empty()) return;
  {
    std::lock_guard lock(loop_mutex_);
    lost_.insert(lost_.end(), lost.begin(), lost.end());
  }
  wake_.notify_all();
}

void ReplicaService::loop() {
  // Before taking anything, one renewal period for the other replicas starting at the same
  // time to beat: otherwise the first one up takes every rollout and hands most over again.
  std::unique_lock lock(loop_mutex_);
  wake_.wait_for(lock, options_.renew_every * 2, [this] { return stopping_; });
  while (!stopping_) {
    std::vector<std::string> lost = std::exchange(lost_, {});
    lock.unlock();
    for (const std::string& name : lost) {
      // Taken again since: only what is not run here is taken, so that one is fresh.
      if (book_->holds(name)) continue;
      spdlog::warn("{}: lease lost (not renewed in time); let go without another action", name);
      local_->let_go(name, true);
    }
    tick();
    lock.lock();
    wake_.wait_for(lock, options_.renew_every, [this] { return stopping_ || !lost_.empty(); });
  }
}

void ReplicaService::tick() {
  const auto trusted_for = options_.lease_ttl - options_.safety_margin;
  auto live = leases_->replicas(ms(options_.lease_ttl));
  auto leases = leases_->rollout_leases();
  // A database that does not answer is said by the renewer; nothing moves meanwhile.
  if (std::holds_alternative<StoreError>(live) || std::holds_alternative<StoreError>(leases))
    return;

  std::vector<std::string> live_ids;
  for (const ReplicaRow& r : std::get<std::vector<ReplicaRow>>(live)) live_ids.push_back(r.id);
  std::vector<LeaseView> views;
  std::set<std::string> needing_owner;
  for (const RolloutLease& l : std::get<std::vector<RolloutLease>>(leases)) {
    views.push_back(LeaseView{l.rollout, l.owner, l.live()});
    needing_owner.insert(l.rollout);
  }
  // Run here without a lease: a change being applied when its lease was handed over or lost.
  // Nothing of it can be acted on or written; let go, it is taken again from what is stored.
  for (const std::string& name : local_->managed()) {
    if (book_->holds(name)) continue;
    spdlog::info("{}: run here without a lease; let go", name);
    local_->let_go(name, true);
  }
  // A rollout removed and settled here needs no owner any more.
  for (const std::string& name : book_->rollouts()) {
    if (!needing_owner.contains(name) && !local_->manages(name)) {
      leases_->release(name);
      book_->forget(name);
    }
  }
  // A lease not trusted now (this replica was stopped, or renewals are late) is for the
  // renewer to confirm or find lost: it is neither handed over nor taken meanwhile.
  std::vector<std::string> trusted;
  for (const std::string& name : book_->rollouts())
    if (book_->epoch_of(name)) trusted.push_back(name);
  const ReplicaMoves moves = plan_replica_moves(id_, live_ids, views, trusted);
  for (const std::string& name : moves.hand_over) {
    give_up(name, false);
    spdlog::info("{}: handed over to replica {}", name, designated_replica(name, live_ids));
  }
  std::vector<std::string> wanted;
  for (const std::string& name : moves.acquire) {
    // Still run here on a lease the renewer found lost a moment ago: let go of first, so
    // that it is taken over from what is stored, not from what this replica remembers.
    if (!local_->manages(name) && !book_->holds(name)) wanted.push_back(name);
  }
  // In batches: one statement takes the leases, one read loads the rows, and the runtimes
  // resume together, so the rollouts of a replica that died move in seconds, not one by one.
  for (std::size_t at = 0; at < wanted.size(); at += kTakeOverBatch) {
    const std::vector<std::string> batch(
        wanted.begin() + static_cast<std::ptrdiff_t>(at),
        wanted.begin() + static_cast<std::ptrdiff_t>(std::min(wanted.size(), at + kTakeOverBatch)));
    const auto asked = std::chrono::steady_clock::now();
    auto got = leases_->acquire(batch, ms(options_.lease_ttl));
    if (std::holds_alternative<StoreError>(got)) return;  // the renewer says the database is down
    const auto& epochs = std::get<std::map<std::string, std::int64_t>>(got);
    std::vector<std::string> taken;  // those no other replica was faster to
    for (const auto& [name, epoch] : epochs) {
      book_->hold(name, epoch, asked + trusted_for);
      taken.push_back(name);
    }
    const std::map<std::string, std::string> problems = local_->take_over(taken);
    for (const std::string& name : taken) {
      if (auto why = problems.find(name); why != problems.end()) {
        spdlog::error("{}: not taken over: {}", name, why->second);
        give_up(name, true);
      } else {
        spdlog::info("{}: taken over (epoch {})", name, epochs.at(name));
      }
    }
  }
}

std::string ReplicaService::claim(const std::string& name, std::string& why) {
  if (local_->manages(name)) return id_;
  const auto asked = std::chrono::steady_clock::now();
  auto got = leases_->acquire(name, ms(options_.lease_ttl));
  if (auto* e = std::get_if<StoreError>(&got)) {
    why = "store: " + e->message;
    return {};
  }
  if (const auto epoch = std::get<std::optional<std::int64_t>>(got)) {
    book_->hold(name, *epoch, asked + options_.lease_ttl - options_.safety_margin);
    if (auto e = local_->take_over(name)) {
      give_up(name, true);
      why = *e;
      return {};
    }
    return id_;
  }
  auto row = leases_->lease_of(name);
  if (auto* e = std::get_if<StoreError>(&row)) {
    why = "store: " + e->message;
    return {};
  }
  const auto& lease = std::get<std::optional<LeaseRow>>(row);
  return lease ? lease->owner : std::string();
}

// What a replica cannot run: what lives inside one controller process and would not follow
// its rollout to another replica.
std::string ReplicaService::refusal_to_run(const RolloutSpec& spec) const {
  if (std::holds_alternative<ProcessTarget>(spec.target))
    return "process targets are single-node: their instances are children of one controller; "
           "replicas run static or command targets (docs/ha.md)";
  // A standalone `rollguard router` (traffic.builtin.admin) outlives every replica: whichever
  // owns the rollout configures it.
  if (const auto* builtin = std::get_if<BuiltinRouter>(&spec.traffic.router);
      builtin && builtin->admin.empty())
    return "the built-in router inside a controller would move with its rollout: replicas "
           "configure a standalone router (traffic.builtin.admin, `rollguard router`), or "
           "haproxy, nginx or command routers (docs/ha.md)";
  return {};
}

ApplyResult ReplicaService::apply(RolloutSpec spec, const std::string& actor) {
  ApplyResult r;
  const std::string name = spec.metadata.name;
  if (std::string no = refusal_to_run(spec); !no.empty()) {
    r.error = ServiceError::Conflict;
    r.reason = name + ": " + no;
    return r;
  }
  const json answer =
      change(name, json{{"kind", "apply"}, {"manifest", spec_text(spec)}, {"actor", actor}});
  r.error = error_of(answer);
  r.reason = answer.value("reason", "");
  r.outcome = kOutcomes[std::clamp(answer.value("outcome", 3), 0, 3)];
  if (r.error == ServiceError::None) r.status = get(name).value_or(RolloutStatus{});
  return r;
}

ActionResult ReplicaService::act(const std::string& name, const OperatorCommand& command) {
  const json answer = change(name, json{{"kind", "act"},
                                        {"action", to_string(command.action)},
                                        {"full", command.full},
                                        {"actor", command.actor}});
  ActionResult r{error_of(answer), answer.value("reason", ""), {}};
  if (r.error != ServiceError::NotFound) r.status = get(name).value_or(RolloutStatus{});
  return r;
}

ActionResult ReplicaService::remove(const std::string& name, const std::string& actor) {
  const json answer = change(name, json{{"kind", "remove"}, {"actor", actor}});
  ActionResult r{error_of(answer), answer.value("reason", ""), {}};
  if (auto status = get(name)) r.status = *status;
  return r;
}

json ReplicaService::change(const std::string& name, const json& request) {
  using std::chrono::steady_clock;
  for (int hop = 0; hop < 3; ++hop) {
    std::string why;
    const std::string owner = claim(name, why);
    if (owner == id_ || (owner.empty() && why.empty())) {
      json here = json::parse(carry_out(name, request.dump()));
      if (!here.value("moved", false)) return here;
      continue;
    }
    if (owner.empty()) return unavailable(why);
    auto sent = outbox_->submit(name, owner, request.dump());
    if (auto* e = std::get_if<StoreError>(&sent)) return unavailable("store: " + e->message);
    const std::int64_t id = std::get<std::int64_t>(sent);
    // The owner answers at once when it is alive; one that died is noticed by its lease.
    bool moved = false;
    for (auto until = steady_clock::now() + 10s; !moved && steady_clock::now() < until;) {
      auto answer = outbox_->answer_of(id);
      if (auto* text = std::get_if<std::optional<std::string>>(&answer); text && *text) {
        json a = json::parse(**text);
        if (!a.value("moved", false)) return a;
        moved = true;
        break;
      }
      std::this_thread::sleep_for(10ms);
      auto lease = leases_->lease_of(name);
      auto* row = std::get_if<std::optional<LeaseRow>>(&lease);
      moved = row && *row && ((*row)->owner != owner || (*row)->expires_in.count() <= 0);
    }
    auto abandoned = outbox_->abandon(id);
    if (auto* e = std::get_if<StoreError>(&abandoned)) return unavailable("store: " + e->message);
    if (!std::get<bool>(abandoned)) {
      // Taken: it is being carried out. Its answer comes, or the caller hears it may be done.
      for (auto until = steady_clock::now() + 30s; steady_clock::now() < until;
           std::this_thread::sleep_for(10ms)) {
        auto answer = outbox_->answer_of(id);
        if (auto* text = std::get_if<std::optional<std::string>>(&answer); text && *text) {
          json a = json::parse(**text);
          if (!a.value("moved", false)) return a;
          break;
        }
      }
      return unavailable("replica " + owner + " took this change for " + name +
                         " but did not answer: it may have been made; see the rollout's events");
    }
    if (!moved)
      return unavailable("replica " + owner + ", which runs " + name +
                         ", did not take this change within 10 s; nothing was done");
  }
  return answer_json(ServiceError::Conflict, name +
                                                 " moved between replicas while this change "
                                                 "was being sent; nothing was done: send it again");
}

// On this replica, which runs `rollout` (or is the first to hear of it): the change, and its
// answer as JSON; {"moved": true} when the rollout is run elsewhere by now.
std::string ReplicaService::carry_out(const std::string& rollout, const std::string& request) {
  if (!local_->manages(rollout) && !book_->epoch_of(rollout)) return json{{"moved", true}}.dump();
  const json r = json::parse(request, nullptr, false);
  const std::string kind = r.is_object() ? r.value("kind", "") : "";
  const std::string actor = r.is_object() ? r.value("actor", "") : "";
  if (kind == "apply") {
    auto spec = spec_from_text(r.value("manifest", ""));
    if (auto* bad = std::get_if<std::string>(&spec))
      return answer_json(ServiceError::Conflict, "the manifest sent: " + *bad).dump();
    ApplyResult a = local_->apply(std::get<RolloutSpec>(std::move(spec)), actor);
    json out = answer_json(a.error, a.reason);
    out["outcome"] = outcome_number(a.outcome);
    return out.dump();
  }
  if (kind == "remove") {
    ActionResult a = local_->remove(rollout, actor);
    return answer_json(a.error, a.reason).dump();
  }
  for (Action action : kActions) {
    if (kind == "act" && r.value("action", "") == to_string(action)) {
      ActionResult a = local_->act(rollout, OperatorCommand{action, r.value("full", false), actor});
      return answer_json(a.error, a.reason).dump();
    }
  }
  return answer_json(ServiceError::Conflict, "a request this replica does not know: " + request)
      .dump();
}

void ReplicaService::inbox() {
  auto last_look = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::lock_guard lock(loop_mutex_);
      if (stopping_) return;
    }
    auto woken = inbox_->wait(std::chrono::duration_cast<Millis>(options_.renew_every));
    if (std::holds_alternative<StoreError>(woken)) {
      std::this_thread::sleep_for(options_.renew_every);  // the loop says the database is down
      continue;
    }
    const auto& w = std::get<PgActions::Woken>(woken);
    for (const std::string& name : std::set<std::string>(w.events_of.begin(), w.events_of.end()))
      stream_events_of(name);
    // A notification is lost while the connection is down: look anyway now and then.
    const auto now = std::chrono::steady_clock::now();
    if (!w.actions && now - last_look < options_.renew_every) continue;
    last_look = now;
    auto pending = inbox_->pending(id_);
    if (!std::holds_alternative<std::vector<PendingAction>>(pending)) continue;
    for (const PendingAction& a : std::get<std::vector<PendingAction>>(pending)) {
      auto taken = inbox_->take(a.id);
      if (!std::holds_alternative<bool>(taken) || !std::get<bool>(taken)) continue;  // abandoned
      if (auto e = inbox_->answer(a.id, carry_out(a.rollout, a.request)))
        spdlog::error("{}: the answer to a change sent by another replica was lost: {}", a.rollout,
                      e->message);
    }
  }
}

// Events of a rollout another replica runs, to this replica's streams (each stream drops
// what it has seen by seq).
void ReplicaService::stream_events_of(const std::string& rollout) {
  if (local_->manages(rollout)) return;  // streamed by the local service already
  std::int64_t after = 0;
  {
    std::lock_guard lock(streams_mutex_);
    if (listeners_.empty()) return;
    after = streamed_[rollout];
  }
  const std::vector<StoredEvent> events = local_->history(rollout, after);
  if (events.empty()) return;
  const std::optional<RolloutStatus> status = get(rollout);
  if (!status) return;
  // Under the lock, so that no listener is called once unsubscribe() has returned.
  std::lock_guard lock(streams_mutex_);
  for (const StoredEvent& e : events)
    for (const auto& [id, l] : listeners_) (*l)(e, *status);
  streamed_[rollout] = std::max(streamed_[rollout], events.back().seq);
}

std::optional<RolloutStatus> ReplicaService::stored_status(const RolloutRecord& record,
                                                           const std::string& owner) const {
  if (record.removed && is_terminal(record.state.phase)) return std::nullopt;
  RolloutStatus s;
  s.name = record.name;
  s.revision = record.revision;
  s.spec = std::make_shared<const RolloutSpec>(record.spec);
  s.state = record.state;
  s.steps = Planner(record.spec).program().steps.size();
  s.updatedAt = record.updatedAt;
  s.owner = owner;
  return s;
}

std::optional<RolloutStatus> ReplicaService::get(const std::string& name) const {
  if (auto here = local_->get(name)) return here;
  auto loaded = local_->store().load_rollout(name);
  // Not "no such rollout": this replica cannot tell. The API answers 503 with the reason.
  if (auto* e = std::get_if<StoreError>(&loaded))
    throw Unavailable("StoreUnavailable", "store: " + e->message);
  auto* record = std::get_if<std::optional<RolloutRecord>>(&loaded);
  if (!*record) return std::nullopt;
  auto lease = leases_->lease_of(name);
  auto* row = std::get_if<std::optional<LeaseRow>>(&lease);
  return stored_status(**record,
                       row && *row && (*row)->expires_in.count() > 0 ? (*row)->owner : "");
}

std::vector<RolloutStatus> ReplicaService::list() const {
  std::vector<RolloutStatus> all = local_->list();
  std::set<std::string> here;
  for (const RolloutStatus& s : all) here.insert(s.name);
  auto loaded = local_->store().load();
  if (auto* e = std::get_if<StoreError>(&loaded))
    throw Unavailable("StoreUnavailable", "store: " + e->message);
  auto leases = leases_->all();
  std::map<std::string, std::string> owners;
  if (auto* rows = std::get_if<std::vector<LeaseRow>>(&leases))
    for (const LeaseRow& l : *rows)
      if (l.expires_in.count() > 0) owners[l.rollout] = l.owner;
  if (auto* stored = std::get_if<Store::Loaded>(&loaded))
    for (const RolloutRecord& r : stored->rollouts)
      if (!here.contains(r.name))
        if (auto s = stored_status(r, owners[r.name])) all.push_back(std::move(*s));
  return all;
}

std::vector<StoredEvent> ReplicaService::history(const std::string& name,
                                                 std::int64_t after_seq) const {
  return local_->history(name, after_seq);
}

std::uint64_t ReplicaService::subscribe(Listener listener) {
  std::lock_guard lock(streams_mutex_);
  const std::uint64_t id = local_->subscribe(listener);
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void ReplicaService::unsubscribe(std::uint64_t id) {
  {
    std::lock_guard lock(streams_mutex_);
    listeners_.erase(id);
  }
  local_->unsubscribe(id);
}

std::optional<std::vector<ReplicaInfo>> ReplicaService::replicas() const {
  std::vector<ReplicaInfo> out;
  auto live = leases_->replicas(ms(options_.lease_ttl));
  if (auto* rows = std::get_if<std::vector<ReplicaRow>>(&live))
    for (const ReplicaRow& r : *rows) out.push_back(ReplicaInfo{r.id, r.api, r.heartbeat_age, {}});
  auto leases = leases_->all();
  if (auto* rows = std::get_if<std::vector<LeaseRow>>(&leases))
    for (const LeaseRow& l : *rows)
      for (ReplicaInfo& r : out)
        if (r.id == l.owner && l.expires_in.count() > 0)
          r.leases.push_back(ReplicaInfo::Lease{l.rollout, l.epoch, l.expires_in});
  return out;
}

}  // namespace rollguard
