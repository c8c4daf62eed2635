#include "health/probes/probe_tracker.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

struct TrackerCase {
  std::string name;
  int threshold;
  std::string results;       // one letter per probe: o = ok, f = failed ("connection refused")
  std::string failed_after;  // one letter per probe: F = failed() afterwards, . = not
  std::string reason;        // reason() at the end
};

class ProbeTrackerTest : public ::testing::TestWithParam<TrackerCase> {};

TEST_P(ProbeTrackerTest, AppliesTheThreshold) {
  const auto& c = GetParam();
  ProbeTracker tracker("alive", Role::Canary, "127.0.0.1:20001", c.threshold);
  std::string seen;
  for (char ch : c.results) {
    ProbeResult r{ch == 'o', ch == 'o' ? "" : "connection refused", 1ms};
    bool failed = tracker.record(r);
    EXPECT_EQ(failed, tracker.failed());
    seen += failed ? 'F' : '.';
  }
  EXPECT_EQ(seen, c.failed_after);
  EXPECT_EQ(tracker.reason(), c.reason);
}

const std::string kThree =
    "probe alive failed 3 times in a row on canary 127.0.0.1:20001: connection refused";

INSTANTIATE_TEST_SUITE_P(
    Cases, ProbeTrackerTest,
    ::testing::Values(
        TrackerCase{"AllOk", 3, "oooo", "....", ""},
        TrackerCase{"ThreeInARowFail", 3, "offf", "...F", kThree},
        TrackerCase{"TwoInARowDoNot", 3, "ffoff", ".....", ""},
        TrackerCase{"SuccessResets", 3, "fffo", "..F.", ""},
        TrackerCase{"StaysFailedAndCounts", 3, "ffff", "..FF",
                    "probe alive failed 4 times in a row on canary 127.0.0.1:20001: "
                    "connection refused"},
        TrackerCase{"FailsAgainAfterRecovery", 2, "ffoff", ".F..F",
                    "probe alive failed 2 times in a row on canary 127.0.0.1:20001: "
                    "connection refused"},
        TrackerCase{"ThresholdOne", 1, "of", ".F",
                    "probe alive failed once on canary 127.0.0.1:20001: connection refused"},
        TrackerCase{"ThresholdBelowOneActsAsOne", 0, "f", "F",
                    "probe alive failed once on canary 127.0.0.1:20001: connection refused"}),
    [](const auto& info) { return info.param.name; });

TEST(ProbeTracker, KeepsTheLatestFailureBelowTheThreshold) {
  ProbeTracker tracker("ready", Role::Stable, "10.0.0.5:8080", 3);
  tracker.record({false, "connection refused", {}});
  tracker.record({false, "expected status 200, got 503", {}});
  EXPECT_FALSE(tracker.failed());
  EXPECT_EQ(tracker.consecutive_failures(), 2);
  EXPECT_EQ(tracker.last_failure(), "expected status 200, got 503");
  tracker.record({false, "timed out after 1s", {}});
  EXPECT_EQ(tracker.reason(),
            "probe ready failed 3 times in a row on stable 10.0.0.5:8080: timed out after 1s");
}

}  // namespace
}  // namespace rollguard
