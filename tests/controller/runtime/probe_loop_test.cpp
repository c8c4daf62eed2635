// ProbeLoop: when probes are due, what a run of failures reports, and what becomes of a result
// that completes after the loop is gone (a stop while probes are in flight: issue 14, the
// shutdown crash at 10,000 rollouts). The prober holds each completion until the test releases
// it, and `post` queues work the way a strand would, so every interleaving is chosen here.
#include "controller/runtime/probe_loop.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace rollguard {
namespace {

const TimePoint kStart{std::chrono::hours(1)};

class HeldProber final : public Prober {
 public:
  void probe(const ProbeRequest& request, std::function<void(ProbeResult)> done) override {
    endpoints.push_back(request.endpoint);
    pending.push_back(std::move(done));
  }
  void complete_all(const ProbeResult& result) {
    auto held = std::move(pending);
    pending.clear();
    for (auto& done : held) done(result);
  }
  std::vector<std::string> endpoints;
  std::vector<std::function<void(ProbeResult)>> pending;
};

// The strand: work posted from anywhere runs when the test drains it.
struct QueuedStrand {
  std::deque<std::function<void()>> queue;
  std::function<void(std::function<void()>)> post() {
    return [this](std::function<void()> work) { queue.push_back(std::move(work)); };
  }
  void drain() {
    while (!queue.empty()) {
      auto work = std::move(queue.front());
      queue.pop_front();
      work();
    }
  }
};

std::vector<ProbeSpec> one_probe(int failure_threshold = 2) {
  ProbeSpec alive;
  alive.name = "alive";
  alive.interval = 5s;
  alive.failureThreshold = failure_threshold;
  return {alive};
}

TEST(ProbeLoop, ProbesEachEndpointWhenDueAndNotAgainWhileInFlight) {
  HeldProber prober;
  QueuedStrand strand;
  std::vector<TimePoint> dues;
  ProbeLoop loop(
      one_probe(), prober, strand.post(), [](Role, const std::string&) {},
      [&dues](TimePoint due) { dues.push_back(due); });
  loop.watch(Role::Canary, {"127.0.0.1:1", "127.0.0.1:2"}, kStart);
  EXPECT_EQ(loop.next_due(), kStart);
  loop.poll(kStart);
  EXPECT_EQ(prober.endpoints.size(), 2u);
  EXPECT_EQ(loop.next_due(), std::nullopt);  // both in flight
  loop.poll(kStart + 10s);
  EXPECT_EQ(prober.endpoints.size(), 2u);
  prober.complete_all({true, "", 1ms});
  strand.drain();
  EXPECT_EQ(dues, (std::vector<TimePoint>{kStart + 5s, kStart + 5s}));
  EXPECT_EQ(loop.next_due(), kStart + 5s);
}

TEST(ProbeLoop, ConsecutiveFailuresReportOnceWithTheReason) {
  HeldProber prober;
  QueuedStrand strand;
  std::vector<std::string> failures;
  ProbeLoop loop(one_probe(2), prober, strand.post(),
                 [&failures](Role role, const std::string& why) {
                   EXPECT_EQ(role, Role::Canary);
                   failures.push_back(why);
                 });
  loop.watch(Role::Canary, {"127.0.0.1:1"}, kStart);
  for (int round = 0; round < 3; ++round) {
    loop.poll(kStart + round * 5s);
    prober.complete_all({false, "connection refused", {}});
    strand.drain();
  }
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("connection refused"), std::string::npos) << failures[0];
  EXPECT_EQ(prober.endpoints.size(), 2u);  // a reported target is not probed again
}

TEST(ProbeLoop, AResultForAnInstanceThatLeftIsIgnored) {
  HeldProber prober;
  QueuedStrand strand;
  int failures = 0;
  ProbeLoop loop(one_probe(1), prober, strand.post(),
                 [&](Role, const std::string&) { ++failures; });
  loop.watch(Role::Canary, {"127.0.0.1:1"}, kStart);
  loop.poll(kStart);
  loop.watch(Role::Canary, {}, kStart + 1s);
  prober.complete_all({false, "connection refused", {}});
  strand.drain();
  EXPECT_EQ(failures, 0);
}

// The results arrive after the owner destroyed the loop, both before and after they reach
// the strand; under ASan a completion touching the loop's members would be reported here.
TEST(ProbeLoop, ResultsThatCompleteAfterTheLoopIsGoneAreDropped) {
  HeldProber prober;
  QueuedStrand strand;
  int heard = 0;
  {
    auto loop = std::make_unique<ProbeLoop>(
        one_probe(1), prober, strand.post(), [&](Role, const std::string&) { ++heard; },
        [&](TimePoint) { ++heard; });
    std::vector<std::string> many;
    for (int i = 0; i < 1000; ++i) many.push_back("127.0.0.1:" + std::to_string(10000 + i));
    loop->watch(Role::Canary, many, kStart);
    loop->poll(kStart);
    ASSERT_EQ(prober.pending.size(), 1000u);
    // Half complete while the loop lives but are not yet run by the strand.
    auto first_half = std::vector(prober.pending.begin(), prober.pending.begin() + 500);
    prober.pending.erase(prober.pending.begin(), prober.pending.begin() + 500);
    for (auto& done : first_half) done({false, "connection refused", {}});
  }
  prober.complete_all({false, "connection refused", {}});  // the other half, after
  strand.drain();
  EXPECT_EQ(heard, 0);
}

}  // namespace
}  // namespace rollguard
