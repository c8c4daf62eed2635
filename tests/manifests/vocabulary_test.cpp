#include "manifests/vocabulary.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

TEST(Vocabulary, PhasesRoundTripThroughTheirNames) {
  for (Phase p : kPhases) EXPECT_EQ(parse_phase(to_string(p)), p) << to_string(p);
  EXPECT_EQ(parse_phase("Promoted"), std::nullopt);
}

TEST(Vocabulary, RolesRoundTripThroughTheirNames) {
  for (Role r : kRoles) EXPECT_EQ(parse_role(to_string(r)), r) << to_string(r);
  EXPECT_EQ(parse_role("Canary"), std::nullopt);
}

TEST(Vocabulary, OnlySucceededRolledBackAndFailedAreTerminal) {
  for (Phase p : kPhases)
    EXPECT_EQ(is_terminal(p), p == Phase::Succeeded || p == Phase::RolledBack || p == Phase::Failed)
        << to_string(p);
}

}  // namespace
}  // namespace rollguard
