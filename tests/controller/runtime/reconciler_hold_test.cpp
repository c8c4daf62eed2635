// The reconciler and a store that does not take a transition (issue 14), on virtual time:
// what was not written is not acted on — no split applied, no instance scaled — it is offered
// again every record_retry, operator actions meanwhile are undone and say so, and once the
// store takes it everything held is written in one batch, in order, and only then acted on.
#include <gtest/gtest.h>

#include "controller/runtime/reconciler.hpp"
#include "controller/simulation/virtual_scheduler.hpp"
#include "support/specs.hpp"

namespace rollguard {
namespace reconciler_hold {

class ReadyTargets final : public TargetDriver {
 public:
  explicit ReadyTargets(sim::VirtualScheduler& s) : scheduler_(s) {}
  void scale(Role role, const std::string&, int count) override {
    ++scaled;
    scheduler_.post([this, role, count] {
      observer_(TargetReport{role, count, std::vector<std::string>(count, "127.0.0.1:9"), {}});
    });
  }
  void on_report(std::function<void(const TargetReport&)> observer) override {
    observer_ = std::move(observer);
  }
  void shutdown(std::function<void()> done) override { done(); }
  int scaled = 0;

 private:
  sim::VirtualScheduler& scheduler_;
  std::function<void(const TargetReport&)> observer_;
};

class ConfirmingRouter final : public RouterDriver {
 public:
  void apply(const RouteTable& table, std::function<void(std::string)> done) override {
    weights.push_back(table.split.canary);
    done("");
  }
  std::vector<double> weights;
};

struct Store {
  bool full = false;
  int attempts = 0;
  Events written;
  RolloutState last;
  std::optional<std::string> record(const Events& events, const RolloutState& state) {
    ++attempts;
    if (full) return "store: database or disk is full";
    written.insert(written.end(), events.begin(), events.end());
    last = state;
    return std::nullopt;
  }
};

struct World {
  sim::VirtualScheduler scheduler{TimePoint{}};
  ReadyTargets targets{scheduler};
  ConfirmingRouter router;
  Store store;
  RolloutSpec spec;
  std::unique_ptr<Reconciler> reconciler;

  explicit World(RolloutSpec s) : spec(std::move(s)) {
    ReconcilerParts parts;
    parts.spec = &spec;
    parts.clock = &scheduler.clock();
    parts.waker = &scheduler;
    parts.targets = &targets;
    parts.router = &router;
    parts.post = [this](std::function<void()> work) { scheduler.post(std::move(work)); };
    parts.record_retry = 5s;
    reconciler = std::make_unique<Reconciler>(
        std::move(parts),
        [this](const Events& e, const RolloutState& st) { return store.record(e, st); });
  }
  void run_for(Duration d) {
    scheduler.run(scheduler.now() + d, [] { return false; });
  }
  const RolloutState& state() const { return reconciler->state(); }
};

TEST(ReconcilerHold, AStepThatCannotBeWrittenIsNotActedOnUntilItIs) {
  RolloutSpec spec = testing::canary_spec(
      {SetWeightStep{20}, PauseStep{1min}, SetWeightStep{60}, PauseStep{std::nullopt}});
  spec.rollback.progressDeadline = 2min;
  World w(spec);
  w.reconciler->start("1.0.0");
  w.run_for(30s);
  ASSERT_EQ(w.state().phase, Phase::Progressing);
  ASSERT_EQ(w.state().step, 1u);  // in the one-minute pause at 20%
  ASSERT_EQ(w.router.weights.back(), 20);
  const std::size_t written = w.store.written.size();
  const int scaled = w.targets.scaled;

  w.store.full = true;
  const int attempts = w.store.attempts;
  w.run_for(5min);  // the pause ends at 1 min: its next step (60%) is held for four minutes
  EXPECT_TRUE(w.reconciler->holding());
  EXPECT_EQ(w.reconciler->record_error(), "store: database or disk is full");
  EXPECT_EQ(w.router.weights.back(), 20) << "an unrecorded split was applied";
  EXPECT_EQ(w.targets.scaled, scaled);
  EXPECT_EQ(w.store.written.size(), written);
  // Offered again every 5 s of the hold (at least; a retry is also made on any new event).
  EXPECT_GE(w.store.attempts - attempts, 4 * 60 / 5);

  // An operator action meanwhile is undone, not queued behind the held step.
  const RolloutState before = w.state();
  CommandOutcome promote = w.reconciler->command(OperatorCommand{Action::Promote, true, "ann"});
  EXPECT_EQ(promote.refusal, std::nullopt);
  EXPECT_EQ(promote.unrecorded, "store: database or disk is full");
  EXPECT_TRUE(promote.events.empty());
  EXPECT_EQ(w.state(), before);

  w.store.full = false;
  w.run_for(10s);
  EXPECT_FALSE(w.reconciler->holding());
  EXPECT_EQ(w.reconciler->record_error(), std::nullopt);
  EXPECT_EQ(w.router.weights.back(), 60);
  // The four minutes held are not the rollout's lack of progress (progressDeadline 2m).
  EXPECT_EQ(w.state().phase, Phase::Paused);
  EXPECT_EQ(w.state().step, 3u);
  const Events held(w.store.written.begin() + static_cast<std::ptrdiff_t>(written),
                    w.store.written.end());
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(held.front().kind, EventKind::StepStarted);
  EXPECT_EQ(held.front().step, 3u);  // events count steps from 1
  EXPECT_EQ(held.front().at, TimePoint{} + 1min) << "the held step keeps the time it started";
  EXPECT_EQ(w.store.last, w.state());
}

TEST(ReconcilerHold, AnActionThatIsWrittenIsActedOn) {
  World w(testing::canary_spec({SetWeightStep{20}, PauseStep{std::nullopt}, SetWeightStep{60}}));
  w.reconciler->start("1.0.0");
  w.run_for(30s);
  ASSERT_EQ(w.state().phase, Phase::Paused);
  w.store.full = true;
  EXPECT_EQ(w.reconciler->command(OperatorCommand{Action::Abort, false, "ann"}).unrecorded,
            "store: database or disk is full");
  EXPECT_EQ(w.state().phase, Phase::Paused);
  w.run_for(30s);
  EXPECT_EQ(w.router.weights.back(), 20) << "an undone abort moved traffic";
  EXPECT_FALSE(w.reconciler->holding()) << "an undone action leaves nothing held";
  w.store.full = false;
  CommandOutcome abort = w.reconciler->command(OperatorCommand{Action::Abort, false, "ann"});
  EXPECT_EQ(abort.unrecorded, std::nullopt);
  w.run_for(30s);
  EXPECT_EQ(w.state().phase, Phase::RolledBack);
  EXPECT_EQ(w.router.weights.back(), 0);
}

}  // namespace reconciler_hold
}  // namespace rollguard
