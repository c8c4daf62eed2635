#pragma once
// The RolloutService of `rollguard serve`: many rollouts in one process, each a RolloutRuntime
// on its own strand of one small thread pool, so a slow rollout (a router that answers late,
// an analysis that reads slowly) delays no other. Every transition is written to the Store in
// one transaction before it is acted on and before the call that caused it returns; reads
// come from a snapshot refreshed on each event. On start, each rollout the store holds is
// re-adopted from its recorded state (docs/service.md).
//
// apply/act/remove/shutdown block until the rollout's strand has done the work: call them
// from threads outside the service (the HTTP server's), never from a listener.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>

#include "controller/runtime/asio_waker.hpp"
#include "controller/service/lease_book.hpp"
#include "controller/service/rollout_service.hpp"
#include "controller/store/open_store.hpp"

namespace rollguard {

struct ServiceOptions {
  std::string data_dir = "rollguard-data";  // holds rollguard.db (SQLite)
  std::string store;                        // a postgresql:// URI instead of data_dir
  std::string holder;  // names this server to another one a PostgreSQL database refuses
  int threads = 4;     // the pool every rollout's strand runs on
  Duration measurement_retention = std::chrono::hours(24 * 7);
  Duration measurement_flush = 1s;  // measurements are written in batches (not transitions)
  // A transition the store did not take is held (not acted on) and offered again this often.
  Duration store_retry = 5s;
  // Told how late each rollout's timer wake-up ran (any thread): the control loop's lag.
  std::function<void(Duration)> on_wake_lag;
  // Replica mode (PostgreSQL only; docs/ha.md): the leases this process holds, and its id.
  // Rollouts are then taken over and let go one at a time as the replica loop decides
  // (take_over, let_go) instead of all at start; every write is fenced by the rollout's lease
  // and every router and target action is checked against it first.
  std::shared_ptr<LeaseBook> leases;
  std::string replica_id;
};

class LocalRolloutService final : public RolloutService {
 public:
  // Opens the store (open_store.hpp: creating the data directory, or connecting to
  // PostgreSQL); not ready until adopt(). Refused while another server uses the same data.
  static std::variant<std::unique_ptr<LocalRolloutService>, std::string> open(
      ServiceOptions options);
  ~LocalRolloutService() override;

  // Re-adopts every rollout the store holds; ready() afterwards. Why not when the store's
  // rollouts cannot be read at all (then the service stays not ready).
  std::optional<std::string> adopt();
  // Graceful stop: mutations are refused from now on, each rollout stops acting once no
  // router change is in flight, process targets' instances are stopped, built-in routers
  // drained. The recorded state is already durable; the next start resumes from it.
  void shutdown();
  // Rollouts that could not be re-adopted (an unreadable row, a router that cannot listen).
  std::vector<std::string> problems() const;
  Store& store() { return *store_; }

  // Replica mode, from a thread outside the pool. take_over: picks `name` up from its
  // recorded state once this replica holds its lease (nothing to do for a name the store does
  // not know yet); why not, when it could not be. let_go: stops managing `name` without
  // touching what it runs; `lost` (the lease is gone) stops it at once, otherwise after a
  // router change in flight has been confirmed (a hand-over).
  std::optional<std::string> take_over(const std::string& name);
  // Many at once (one read of the store): each name that could not be taken over, and why.
  std::map<std::string, std::string> take_over(const std::vector<std::string>& names);
  void let_go(const std::string& name, bool lost);
  bool manages(const std::string& name) const;
  std::vector<std::string> managed() const;  // the names manages() is true of
  // From any thread: appends `note` (a webhook's delivery outcome) to the log of revision
  // `revision` of `name`, on its strand; dropped when that revision is no longer the one
  // managed (a newer revision or a removal) or the service is stopping.
  void record_note(const std::string& name, int revision, Event note);

  ApplyResult apply(RolloutSpec spec, const std::string& actor) override;
  std::optional<RolloutStatus> get(const std::string& name) const override;
  std::vector<RolloutStatus> list() const override;
  ActionResult act(const std::string& name, const OperatorCommand& command) override;
  ActionResult remove(const std::string& name, const std::string& actor) override;
  std::vector<StoredEvent> history(const std::string& name,
                                   std::int64_t after_seq = 0) const override;
  std::uint64_t subscribe(Listener listener) override;
  void unsubscribe(std::uint64_t id) override;
  bool ready() const override { return ready_; }

 private:
  struct Managed;
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  LocalRolloutService(OpenedStore store, ServiceOptions options);

  std::shared_ptr<Managed> find(const std::string& name) const;
  std::shared_ptr<Managed> make_managed(const std::string& name, int revision, SharedSpec spec,
                                        SharedSpec applied);
  std::optional<std::string> prepare(Managed& m, Managed* predecessor);
  // Under the lifecycle lock: makes `r` managed again and resumes it on its strand; the
  // future is ready once resumed (invalid for a rollout removed and settled: a tombstone).
  std::future<void> readopt(RolloutRecord& r);
  // Writes a transition of `m` and tells the listeners; nullopt once written, else why not.
  std::optional<std::string> record(Managed& m, const Events& events, const RolloutState& state,
                                    std::optional<bool> removed = {});
  RolloutStatus status_of(const Managed& m, const RolloutState& state, TimePoint at) const;
  std::optional<std::string> retire(Managed& m, const std::string& why, const std::string& actor);
  void watch_removal(const std::shared_ptr<Managed>& m, TimePoint until);
  void finish_removal(const std::shared_ptr<Managed>& m);
  void stop_when_idle(const std::shared_ptr<Managed>& m,
                      std::chrono::steady_clock::time_point deadline,
                      std::shared_ptr<std::promise<void>> done);
  void flush_measurements();
  void schedule_housekeeping();
  template <class F>
  auto on_strand(Managed& m, F f) -> decltype(f());

  std::optional<DirectoryLock> lock_;  // first in, last out: held until everything else is gone
  ServiceOptions options_;
  std::unique_ptr<Store> store_;
  SystemClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::vector<std::thread> threads_;
  Strand housekeeping_;
  boost::asio::steady_timer flush_timer_;
  std::uint64_t flushes_ = 0;  // on housekeeping_

  std::mutex lifecycle_;  // one apply or remove at a time: they replace rollouts whole
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Managed>> rollouts_;
  std::map<std::string, RolloutStatus> snapshot_;
  std::map<std::string, std::shared_ptr<Managed>> leaving_;  // removed, settling
  struct Tombstone {
    int revision = 0;
    std::string known_good;
  };
  std::map<std::string, Tombstone> removed_;  // names removed for good: numbering goes on
  std::vector<std::string> problems_;
  std::vector<std::future<void>> drains_;

  std::mutex listeners_mutex_;
  std::map<std::uint64_t, std::shared_ptr<Listener>> listeners_;
  std::uint64_t next_listener_ = 1;

  std::mutex measurements_mutex_;
  std::vector<MeasurementRecord> measurements_;
  std::atomic<bool> measurements_failing_{false};  // said once per outage

  std::atomic<bool> ready_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace rollguard
