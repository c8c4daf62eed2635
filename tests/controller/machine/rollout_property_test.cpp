// Property: for random valid canary and blue/green specs (and the other strategies) and random
// sequences of verdicts, faults and operator actions, every run settles in a terminal or paused
// phase; a terminal phase has 100% of traffic on exactly one version; RolledBack leaves 100%
// verified on the known-good version; the known-good version changes only on Succeeded (or
// back, on undo).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>

#include "controller/machine/rollout_machine.hpp"
#include "support/machine_harness.hpp"
#include "support/specs.hpp"

namespace rollguard {
namespace {

using testing::base_spec;
using testing::MachineHarness;
using testing::refs;

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[between(0, static_cast<int>(v.size()) - 1)];
  }

 private:
  std::mt19937_64 engine_;
};

AnalysisRef some_templates(Random& r) {
  static const std::vector<std::string> names{"errors", "latency", "flow"};
  return refs({r.pick(names)});
}

RolloutSpec random_spec(Random& r) {
  StrategySpec strategy;
  switch (r.between(0, 4)) {
    case 0: {
      CanaryStrategy c;
      c.baseline = r.chance(0.5);
      const int n = r.between(1, 8);
      for (int i = 0; i < n; ++i) {
        switch (r.between(0, 2)) {
          case 0:
            c.steps.push_back(SetWeightStep{static_cast<double>(r.between(0, 100))});
            break;
          case 1:
            c.steps.push_back(r.chance(0.3) ? PauseStep{}
                                            : PauseStep{Duration{r.between(1, 600) * 1000}});
            break;
          default:
            c.steps.push_back(AnalysisStep{some_templates(r)});
        }
      }
      strategy = c;
      break;
    }
    case 1: {
      BlueGreenStrategy b;
      b.autoPromote = r.chance(0.5);
      if (r.chance(0.6)) b.prePromotionAnalysis = some_templates(r);
      if (r.chance(0.6)) b.postPromotionAnalysis = some_templates(r);
      strategy = b;
      break;
    }
    case 2:
      strategy =
          LinearStrategy{static_cast<double>(r.between(5, 60)), Duration{r.between(1, 120) * 1000}};
      break;
    case 3:
      strategy = AllAtOnceStrategy{Duration{r.between(0, 600) * 1000}};
      break;
    default:
      strategy = OneBoxStrategy{std::nullopt, Duration{r.between(1, 600) * 1000},
                                r.chance(0.5) ? std::optional{some_templates(r)} : std::nullopt};
  }
  RolloutSpec spec = base_spec(strategy, r.between(1, 4));
  if (r.chance(0.4)) spec.background = BackgroundAnalysis{{"latency"}, r.between(0, 3)};
  const std::vector<OnFailure> choices{OnFailure::Rollback, OnFailure::Pause};
  spec.rollback.onFailure = r.pick(choices);
  spec.rollback.onInconclusive = r.pick(choices);
  spec.rollback.onError = r.pick(choices);
  spec.rollback.progressDeadline = Duration{r.between(60, 1200) * 1000};
  return spec;
}

// One random thing happening to the rollout.
void disturb(MachineHarness& h, Random& r) {
  static const std::vector<Verdict> verdicts{Verdict::Successful, Verdict::Successful,
                                             Verdict::Failed, Verdict::Inconclusive,
                                             Verdict::Error};
  static const std::vector<Action> actions{Action::Promote, Action::Abort, Action::Pause,
                                           Action::Resume,  Action::Retry, Action::Undo};
  switch (r.between(0, 7)) {
    case 0:
      h.advance(Duration{r.between(1, 900) * 1000});
      break;
    case 1:
      h.finish_analyses(r.pick(verdicts), "random verdict");
      break;
    case 2:
      h.act(r.pick(actions), r.chance(0.2));
      break;
    case 3:
      h.router_up = !h.router_up;
      h.converge();
      break;
    case 4:
      h.send(ProbeFailed{r.chance(0.7) ? Role::Canary : Role::Stable, "probe failed"});
      h.converge();
      break;
    case 5:
      h.send(InstancesFailed{Role::Canary, "exited"});
      h.converge();
      break;
    case 6:
      for (const AnalysisRequest& a : h.plan().analyses) h.send(AnalysisProgress{a.id});
      break;
    default:
      h.new_instances_start = r.chance(0.9);
      h.converge();
  }
}

// With the world healthy again, let time run with good verdicts until nothing moves.
void settle(MachineHarness& h) {
  h.router_up = true;
  h.new_instances_start = true;
  for (int i = 0; i < 2000; ++i) {
    if (is_terminal(h.state.phase) || h.state.phase == Phase::Paused) return;
    h.converge();
    h.finish_analyses(Verdict::Successful, "healthy");
    h.advance(30s);
  }
}

TEST(RolloutProperty, EveryRunSettlesSafely) {
  constexpr int kRuns = 10000;
  std::map<Phase, int> endings;
  for (int run = 0; run < kRuns; ++run) {
    Random r(0x5eed0000u + run);
    const RolloutSpec spec = random_spec(r);
    MachineHarness h(spec);
    h.converge();
    std::string known_good = h.state.knownGood;
    const int disturbances = r.between(0, 40);
    for (int i = 0; i <= disturbances + 1; ++i) {
      if (i <= disturbances)
        disturb(h, r);
      else
        settle(h);
      // The known-good version moves only on Succeeded, or back to the previous one on undo.
      if (h.state.knownGood != known_good) {
        const bool promoted = h.state.phase == Phase::Succeeded && h.state.knownGood == spec.canary;
        const bool undone =
            h.state.phase == Phase::RolledBack && h.state.knownGood == h.state.stableVersion;
        ASSERT_TRUE(promoted || undone) << "run " << run << ": known-good became "
                                        << h.state.knownGood << " in " << to_string(h.state.phase);
        known_good = h.state.knownGood;
      }
    }
    SCOPED_TRACE("run " + std::to_string(run) + " ended " + std::string(to_string(h.state.phase)) +
                 ": " + h.state.message);
    ASSERT_TRUE(is_terminal(h.state.phase) || h.state.phase == Phase::Paused);
    const Plan plan = h.plan();
    switch (h.state.phase) {
      case Phase::Succeeded:
        EXPECT_EQ(h.state.applied, (TrafficSplit{0, 100, 0}));
        EXPECT_EQ(plan.traffic, (TrafficSplit{0, 100, 0}));
        EXPECT_EQ(h.state.knownGood, spec.canary);
        break;
      case Phase::RolledBack:
        EXPECT_EQ(h.state.applied, (TrafficSplit{100, 0, 0}));
        EXPECT_FALSE(h.state.previewApplied);
        EXPECT_EQ(plan.traffic, (TrafficSplit{100, 0, 0}));
        EXPECT_EQ(h.state.knownGood, h.state.stableVersion);
        break;
      case Phase::Failed:  // a person must act; what the controller wants is the known-good
        EXPECT_EQ(plan.traffic, (TrafficSplit{100, 0, 0}));
        break;
      default:
        break;
    }
    for (const Event& e : h.events) ASSERT_FALSE(e.reason.empty());
    ++endings[h.state.phase];
  }
  // The random runs must actually reach every ending, or the property says little.
  for (Phase p : {Phase::Succeeded, Phase::RolledBack, Phase::Paused, Phase::Failed}) {
    EXPECT_GE(endings[p], kRuns / 100) << to_string(p);
    std::printf("%s: %d runs\n", std::string(to_string(p)).c_str(), endings[p]);
  }
}

}  // namespace
}  // namespace rollguard
