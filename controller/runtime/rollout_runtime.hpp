#pragma once
// One rollout's wiring, on one strand of an executor someone else runs: the target driver and
// traffic router the manifest names (the built-in router in this process when it is the
// traffic layer, its outcomes feeding the builtin metrics), probes, HTTP for synthetic
// transactions, metric providers, a timer, and the Reconciler around them. `rollguard run`
// (LiveRollout) runs one on threads of its own; `serve` runs thousands on one pool.
//
// Threads: construct and prepare() anywhere; everything else on the strand, except
// drain_router(), which blocks and is for a thread outside the executor.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "controller/runtime/reconciler.hpp"
#include "health/providers/builtin/outcome_window.hpp"
#include "health/providers/builtin/remote_outcome_reader.hpp"

namespace rollguard {

class AsioWaker;
class BuiltinRouterServer;

class RolloutRuntime {
 public:
  using MeasurementSink =
      std::function<void(const std::string& id, const std::string& metric, const Measurement&)>;

  // `spec` is shared with whoever else holds it (the service's snapshots): it is not copied.
  RolloutRuntime(std::shared_ptr<const RolloutSpec> spec, boost::asio::any_io_executor strand,
                 const Clock& clock, Reconciler::Recorder record,
                 MeasurementSink on_measurement = {});
  ~RolloutRuntime();
  RolloutRuntime(const RolloutRuntime&) = delete;
  RolloutRuntime& operator=(const RolloutRuntime&) = delete;

  // Makes the drivers and starts the built-in router; why not when the router cannot listen.
  // A stopped `predecessor` (the previous revision of the same rollout) hands over its
  // built-in router when it listens on the same address, so a new revision does not drop
  // the connections of the one before.
  std::optional<std::string> prepare(RolloutRuntime* predecessor = nullptr);

  // On the strand, after prepare(): a new revision beside `known_good`, or a recorded state
  // picked up again (Reconciler::resume).
  void start(const std::string& known_good);
  void resume(const RolloutState& state);

  // Before prepare(): told how late each timer wake-up of this rollout ran.
  void observe_wake_lag(std::function<void(Duration)> on_lag) { on_lag_ = std::move(on_lag); }
  // Before prepare(): asked before every router and target action (guarded_drivers.hpp).
  void guard_actions(std::function<std::string()> why_not) { guard_ = std::move(why_not); }
  // Before prepare(): how often a transition the store did not take is offered again.
  void retry_records_every(Duration every) { record_retry_ = every; }

  Reconciler& reconciler() { return *reconciler_; }
  const RolloutSpec& spec() const { return *spec_; }
  bool running() const { return reconciler_ != nullptr; }

  // On the strand: stops acting (no more events), then either stops every instance this
  // rollout started (`teardown`) or leaves them as they are; `done` runs when that is over.
  void stop(bool teardown, std::function<void()> done);

  // Off the executor's threads, after stop(): lets requests in flight through the built-in
  // router finish (up to `grace`) and closes it.
  void drain_router(Duration grace);

 private:
  std::shared_ptr<const RolloutSpec> spec_;  // never null
  boost::asio::any_io_executor strand_;
  const Clock& clock_;
  Reconciler::Recorder record_;
  Duration record_retry_ = 5s;
  MeasurementSink on_measurement_;
  std::function<void(Duration)> on_lag_;
  std::function<std::string()> guard_;
  std::unique_ptr<OutcomeWindow> outcomes_;  // the built-in router's sink; handed over with it
  std::unique_ptr<RemoteOutcomeReader> remote_outcomes_;  // a standalone router's instead
  std::unique_ptr<BuiltinRouterServer> router_server_;
  std::unique_ptr<RouterDriver> router_;
  std::unique_ptr<TargetDriver> targets_;
  std::unique_ptr<Prober> prober_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<SyntheticRunner> synthetic_;
  std::unique_ptr<AsioWaker> waker_;
  std::unique_ptr<Reconciler> reconciler_;
};

}  // namespace rollguard
