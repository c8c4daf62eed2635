#pragma once
// The reconciler: one rollout, on one strand. It asks the pure state machine what the world
// should look like (the plan), makes the drivers do it — instances through the target driver,
// the split through the traffic router, analyses through the analysis runner, probes through
// the probe loop — and turns what they report back into machine inputs. Every change of the
// machine is an event handed to `on_event` before anything is acted on.
//
// A transition the recorder cannot write (a full disk, a read-only store) is held: nothing of
// it is acted on — no instance scaled, no split applied, no analysis started — until a retry
// (every `record_retry`) writes it. The machine still takes what the drivers report, and
// those events join the held ones, so that when the store takes writes again it gets them
// all in one transaction and only then does the world follow.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "controller/machine/rollout_machine.hpp"
#include "controller/ports/router_driver.hpp"
#include "controller/ports/target_driver.hpp"
#include "controller/runtime/analysis_runner.hpp"
#include "controller/runtime/lifeline.hpp"
#include "controller/runtime/probe_loop.hpp"

namespace rollguard {

// When to look again: a real timer live, the virtual clock in the simulator.
class Waker {
 public:
  virtual ~Waker() = default;
  virtual void wake_at(TimePoint at, std::function<void()> fn) = 0;  // replaces the previous one
  // Once this returns, no function given to wake_at runs (its owner is going away).
  virtual void cancel() = 0;
};

struct ReconcilerParts {
  const RolloutSpec* spec = nullptr;
  const Clock* clock = nullptr;
  Waker* waker = nullptr;
  TargetDriver* targets = nullptr;
  RouterDriver* router = nullptr;  // required (traffic `none` has a driver too)
  Prober* prober = nullptr;        // null: no probes
  AnalysisEnvironment analysis;    // spec and versions are filled in by the reconciler
  std::function<void(std::function<void()>)> post;  // onto the rollout's strand
  Duration router_retry = 1s;
  Duration record_retry = 5s;  // how often a held transition is offered to the store again
};

// An operator action: refused by the machine (`refusal`), accepted and recorded, or accepted
// but not recorded (`unrecorded` says why): then it is undone, as if it had not been asked.
struct CommandOutcome : MachineOutcome {
  std::optional<std::string> unrecorded;
};

class Reconciler {
 public:
  // For a caller without a store: each event, after the fact; recording cannot fail.
  using EventSink = std::function<void(const Event&, const RolloutState&)>;
  // All the events of one transition at once, with the state they led to: what a store
  // writes in one transaction, so that a crash never keeps half a transition. nullopt once
  // written, else why not (the transition is then held).
  using Recorder = std::function<std::optional<std::string>(const Events&, const RolloutState&)>;

  Reconciler(ReconcilerParts parts, EventSink on_event);
  Reconciler(ReconcilerParts parts, Recorder record);
  ~Reconciler();

  void start(const std::string& known_good);
  // Picks a recorded state back up after a restart (`serve` re-adopting its rollouts). Nothing
  // already recorded is reported again; what the state calls for is asked of the world anew:
  // instances scaled (drivers keep what already runs), the route table applied and verified,
  // analyses without a verdict restarted. Observed counts (ready instances) are not trusted
  // but re-read, and deadlines count from now: the controller's own downtime is not the
  // rollout's lack of progress.
  void resume(RolloutState state);
  // An operator action; refused ones change nothing and are returned with their reason.
  CommandOutcome command(const OperatorCommand& command);

  const RolloutState& state() const { return state_; }
  Plan plan() const { return machine_.plan(state_, now()); }
  // Terminal, and the instances the terminal phase does not need are gone.
  bool settled() const;
  const std::vector<std::string>& endpoints(Role role) const;
  std::vector<TemplateProgress> analyses() const { return analyses_->progress(); }
  std::vector<std::string> analyses_running() const;
  // No router apply in flight: stopping now leaves nothing half-applied.
  bool idle() const { return !routing_; }
  // Events the recorder has not taken yet: while there are, nothing is acted on.
  bool holding() const { return !unrecorded_.empty(); }
  // Why the last offer to the recorder failed; cleared by the next one that succeeds.
  const std::optional<std::string>& record_error() const { return record_error_; }

 private:
  TimePoint now() const { return parts_.clock->now(); }
  void attach();
  void feed(const MachineInput& input);
  void reconcile();
  void scale_targets(const Plan& plan);
  void route_traffic(const Plan& plan);
  void route_answered(const RouteTable& table, const std::string& error);
  void run_analyses(const Plan& plan);
  void watch_probes();
  void wake();
  void on_probe_result(TimePoint due);
  void on_analysis_progress(const std::string& id, bool successful);
  void on_target(const TargetReport& report);

  ReconcilerParts parts_;
  void emit(const Events& events);
  bool record();
  void release();

  Recorder record_;
  Events unrecorded_;  // held: computed, not yet written, not acted on
  std::optional<std::string> record_error_;
  std::optional<TimePoint> record_retry_at_;
  RolloutMachine machine_;
  RolloutState state_;
  std::unique_ptr<AnalysisRunner> analyses_;
  std::unique_ptr<ProbeLoop> probes_;
  std::array<std::vector<std::string>, 3> endpoints_;       // ready, per role
  std::array<std::pair<std::string, int>, 3> requested_{};  // version and count asked for
  std::optional<RouteTable> confirmed_;                     // the last table the router confirmed
  TimePoint confirmed_at_{};
  bool routing_ = false;  // an apply in flight
  std::optional<TimePoint> router_retry_at_;
  std::optional<TimePoint> plan_wake_at_;  // the last plan's timer (step, deadline, release)
  std::optional<TimePoint> wake_at_;       // the wake-up asked of the waker
  bool reconciling_ = false;
  bool again_ = false;
  std::shared_ptr<Lifeline> lifeline_ = Lifeline::make(parts_.post);
};

}  // namespace rollguard
