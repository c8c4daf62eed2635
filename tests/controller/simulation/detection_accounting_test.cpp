// How a run is scored: a stop (rollback, Failed, or a pause on a failure) of a version that was
// worse than stable is a detection, of one that was not (yet) a false rollback; a pause for too
// few samples, missing data or an error is inconclusive, neither; the rest missed or passed.
#include "controller/simulation/detection_accounting.hpp"

#include <gtest/gtest.h>

namespace rollguard::sim {
namespace {

struct EventCase {
  const char* name;
  EventKind kind;
  Phase phase;
  PauseReason pause;
  bool undoing;
  EventVerdict expected;
};

class ClassifyEventTest : public ::testing::TestWithParam<EventCase> {};

TEST_P(ClassifyEventTest, SaysWhatTheEventMeans) {
  const EventCase& c = GetParam();
  Event e;
  e.kind = c.kind;
  e.phase = c.phase;
  RolloutState s;
  s.phase = c.phase;
  s.pause = c.pause;
  s.undoing = c.undoing;
  EXPECT_EQ(classify_event(e, s), c.expected);
}

constexpr auto kChanged = EventKind::PhaseChanged;

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassifyEventTest,
    ::testing::Values(EventCase{"RollingBack", kChanged, Phase::RollingBack, PauseReason::None,
                                false, EventVerdict::Stop},
                      EventCase{"Failed", kChanged, Phase::Failed, PauseReason::None, false,
                                EventVerdict::Stop},
                      EventCase{"AnOperatorsUndoIsNoVerdict", kChanged, Phase::RollingBack,
                                PauseReason::None, true, EventVerdict::None},
                      EventCase{"PausedOnAFailure", kChanged, Phase::Paused, PauseReason::Failure,
                                false, EventVerdict::Stop},
                      EventCase{"PausedInconclusive", kChanged, Phase::Paused,
                                PauseReason::Inconclusive, false, EventVerdict::InconclusivePause},
                      EventCase{"PausedOnAnError", kChanged, Phase::Paused, PauseReason::Error,
                                false, EventVerdict::InconclusivePause},
                      EventCase{"PausedForPromotion", kChanged, Phase::Paused, PauseReason::Step,
                                false, EventVerdict::None},
                      EventCase{"Succeeded", kChanged, Phase::Succeeded, PauseReason::None, false,
                                EventVerdict::None},
                      EventCase{"NotAPhaseChange", EventKind::Note, Phase::RollingBack,
                                PauseReason::None, false, EventVerdict::None}),
    [](const auto& info) { return info.param.name; });

struct ScoreCase {
  const char* name;
  RunFacts facts;
  RunOutcome outcome;
  std::optional<Duration> time_to_detect;
};

class ScoreRunTest : public ::testing::TestWithParam<ScoreCase> {};

TEST_P(ScoreRunTest, ScoresAgainstTheTruth) {
  const ScoreCase& c = GetParam();
  const RunScore s = score_run(c.facts);
  EXPECT_EQ(s.outcome, c.outcome) << to_string(s.outcome);
  EXPECT_EQ(s.time_to_detect, c.time_to_detect);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScoreRunTest,
    ::testing::Values(
        ScoreCase{"BadFromItsFirstRequestAndRolledBack", {1s, 4s, 0}, RunOutcome::Detected, 3s},
        ScoreCase{"StoppedAtTheOnsetItself", {60s, 60s, 0}, RunOutcome::Detected, 0s},
        ScoreCase{"StoppedWhileNeverWorse",
                  {std::nullopt, 90s, 0},
                  RunOutcome::FalseRollback,
                  std::nullopt},
        ScoreCase{"StoppedBeforeTheFault", {180s, 30s, 0}, RunOutcome::FalseRollback, std::nullopt},
        ScoreCase{"PausedForTooFewSamples",
                  {std::nullopt, std::nullopt, 1},
                  RunOutcome::Inconclusive,
                  std::nullopt},
        ScoreCase{"WorseButOnlyPausedInconclusive",
                  {1s, std::nullopt, 2},
                  RunOutcome::Inconclusive,
                  std::nullopt},
        ScoreCase{"AnInconclusivePauseThenARollback", {1s, 40s, 1}, RunOutcome::Detected, 39s},
        ScoreCase{"WorseAndPromoted", {1s, std::nullopt, 0}, RunOutcome::Missed, std::nullopt},
        ScoreCase{"NeverWorseAndPromoted",
                  {std::nullopt, std::nullopt, 0},
                  RunOutcome::Passed,
                  std::nullopt}),
    [](const auto& info) { return info.param.name; });

TEST(OutcomeTallyTest, CountsAndSharesOfAllRuns) {
  OutcomeTally t;
  EXPECT_EQ(t.rate(RunOutcome::Detected), 0.0);  // no runs: no division by zero
  for (RunOutcome o : {RunOutcome::Detected, RunOutcome::Detected, RunOutcome::FalseRollback,
                       RunOutcome::Inconclusive})
    t.add(o);
  EXPECT_EQ(t.runs, 4);
  EXPECT_EQ(t.count(RunOutcome::Detected), 2);
  EXPECT_DOUBLE_EQ(t.rate(RunOutcome::Detected), 0.5);
  EXPECT_DOUBLE_EQ(t.rate(RunOutcome::FalseRollback), 0.25);
  EXPECT_DOUBLE_EQ(t.rate(RunOutcome::Inconclusive), 0.25);
  EXPECT_DOUBLE_EQ(t.rate(RunOutcome::Missed), 0.0);
}

TEST(OutcomeNamesTest, EveryOutcomeHasItsJsonKey) {
  std::vector<std::string> names;
  for (RunOutcome o : kRunOutcomes) names.emplace_back(to_string(o));
  EXPECT_EQ(names, (std::vector<std::string>{"detected", "falseRollback", "inconclusive", "missed",
                                             "passed"}));
}

}  // namespace
}  // namespace rollguard::sim
