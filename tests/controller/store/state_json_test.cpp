// RolloutState survives JSON both ways, for states drawn at random; damaged documents are
// reported by field.
#include "controller/store/state_json.hpp"

#include <gtest/gtest.h>

#include <random>

namespace rollguard {
namespace {

RolloutState random_state(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto word = [&] {
    std::string s;
    for (int i = pick(12); i > 0; --i) s += static_cast<char>(' ' + pick(95));
    if (pick(4) == 0) s += "\xc3\xa9\n\"\\";  // UTF-8, newline and escapes
    return s;
  };
  auto when = [&] { return TimePoint{Duration{static_cast<std::int64_t>(rng() % (1ull << 42))}}; };
  auto percent = [&] { return pick(10001) / 100.0; };
  RolloutState s;
  s.phase = kPhases[static_cast<std::size_t>(pick(static_cast<int>(kPhases.size())))];
  s.pause = static_cast<PauseReason>(pick(6));
  s.knownGood = word();
  s.stableVersion = word();
  s.canaryVersion = word();
  s.step = static_cast<std::size_t>(pick(50));
  s.attempt = pick(9);
  s.backgroundAttempt = pick(9);
  s.skipToEnd = pick(2);
  s.undoing = pick(2);
  s.startedAt = when();
  s.stepStartedAt = when();
  s.lastProgressAt = when();
  s.rollbackStartedAt = when();
  s.completedAt = when();
  s.ready = RoleCounts{pick(100), pick(100), pick(100)};
  s.applied = TrafficSplit{percent(), percent(), percent()};
  s.previewApplied = pick(2);
  for (int i = pick(4); i > 0; --i) s.verdicts[word()] = static_cast<Verdict>(pick(4));
  s.message = word();
  s.successfulMeasurements = pick(1000);
  return s;
}

TEST(StateJson, RandomStatesRoundTrip) {
  std::mt19937_64 rng(20261122);
  for (int i = 0; i < 2000; ++i) {
    const RolloutState s = random_state(rng);
    const std::string text = state_to_store_json(s).dump();
    auto back = state_from_store_json(nlohmann::json::parse(text));
    ASSERT_TRUE(std::holds_alternative<RolloutState>(back)) << std::get<std::string>(back);
    ASSERT_EQ(std::get<RolloutState>(back), s) << text;
  }
}

// A row written before successfulMeasurements existed (issue 22) reads as nothing measured.
TEST(StateJson, ARowWithoutSuccessfulMeasurementsReadsAsNone) {
  std::mt19937_64 rng(22);
  RolloutState s = random_state(rng);
  nlohmann::json j = state_to_store_json(s);
  j.erase("successfulMeasurements");
  auto back = state_from_store_json(j);
  ASSERT_TRUE(std::holds_alternative<RolloutState>(back)) << std::get<std::string>(back);
  s.successfulMeasurements = 0;
  EXPECT_EQ(std::get<RolloutState>(back), s);
}

struct Damage {
  std::string name;
  std::function<void(nlohmann::json&)> apply;
  std::string expected;
};

class StateJsonDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(StateJsonDamage, IsReportedByField) {
  nlohmann::json j = state_to_store_json(RolloutState{});
  GetParam().apply(j);
  auto back = state_from_store_json(j);
  ASSERT_TRUE(std::holds_alternative<std::string>(back));
  EXPECT_NE(std::get<std::string>(back).find(GetParam().expected), std::string::npos)
      << std::get<std::string>(back);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StateJsonDamage,
    ::testing::Values(
        Damage{"MissingPhase", [](nlohmann::json& j) { j.erase("phase"); }, "missing \"phase\""},
        Damage{"UnknownPhase", [](nlohmann::json& j) { j["phase"] = "Exploded"; },
               "unknown value \"Exploded\""},
        Damage{"WrongType", [](nlohmann::json& j) { j["step"] = "three"; },
               "\"step\" has the wrong type"},
        Damage{"NestedSplit", [](nlohmann::json& j) { j["applied"].erase("canary"); },
               "applied: missing \"canary\""},
        Damage{"BadVerdict", [](nlohmann::json& j) { j["verdicts"]["a"] = "Great"; }, "verdicts.a"},
        Damage{"NotAnObject", [](nlohmann::json& j) { j = nlohmann::json::array(); },
               "not an object"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
