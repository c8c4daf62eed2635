// Virtual time: events in time order (ties in the order they were scheduled), a wake-up that
// replaces the previous one, and a cap that stops the clock.
#include "controller/simulation/virtual_scheduler.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rollguard::sim {
namespace {

TEST(VirtualSchedulerTest, RunsInTimeOrderThenSchedulingOrder) {
  VirtualScheduler s(TimePoint{});
  std::string order;
  s.at(TimePoint{} + 2s, [&] { order += "c"; });
  s.at(TimePoint{} + 1s, [&] { order += "a"; });
  s.at(TimePoint{} + 1s, [&] {
    order += "b";
    s.post([&] { order += "B"; });  // now, after what is already due now
  });
  s.run(TimePoint{} + 1h, [] { return false; });
  EXPECT_EQ(order, "abBc");
  EXPECT_EQ(s.now(), TimePoint{} + 1h);  // nothing else happened until the cap
}

TEST(VirtualSchedulerTest, AWakeUpReplacesThePreviousOne) {
  VirtualScheduler s(TimePoint{});
  std::string order;
  s.wake_at(TimePoint{} + 5s, [&] { order += "old"; });
  s.wake_at(TimePoint{} + 3s, [&] { order += "new"; });
  s.wake_at(TimePoint{} + 3s, [&] { order += "newer"; });
  s.at(TimePoint{} + 10s, [&] { order += "|"; });
  EXPECT_EQ(s.run(TimePoint{} + 1h, [] { return false; }), 2);
  EXPECT_EQ(order, "newer|");
}

TEST(VirtualSchedulerTest, ACancelledWakeUpNeverRuns) {
  VirtualScheduler s(TimePoint{});
  std::string order;
  s.wake_at(TimePoint{} + 3s, [&] { order += "wake"; });
  s.at(TimePoint{} + 5s, [&] { order += "|"; });
  s.cancel();
  EXPECT_EQ(s.run(TimePoint{} + 1h, [] { return false; }), 1);
  EXPECT_EQ(order, "|");
}

TEST(VirtualSchedulerTest, StopsAtTheCapOrWhenDone) {
  VirtualScheduler s(TimePoint{});
  int ran = 0;
  for (int i = 1; i <= 10; ++i) s.at(TimePoint{} + i * 1min, [&] { ++ran; });
  s.run(TimePoint{} + 3min + 30s, [] { return false; });
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(s.now(), TimePoint{} + 3min + 30s);
  s.run(TimePoint{} + 1h, [&] { return ran == 5; });
  EXPECT_EQ(ran, 5);
  EXPECT_EQ(s.now(), TimePoint{} + 5min);  // stopped at the event that finished it
}

}  // namespace
}  // namespace rollguard::sim
