#include "manifests/suggest.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

struct DistanceCase {
  const char* name;
  const char* a;
  const char* b;
  std::size_t distance;
};

class EditDistance : public ::testing::TestWithParam<DistanceCase> {};

TEST_P(EditDistance, CountsEdits) {
  EXPECT_EQ(edit_distance(GetParam().a, GetParam().b), GetParam().distance);
  EXPECT_EQ(edit_distance(GetParam().b, GetParam().a), GetParam().distance);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EditDistance,
    ::testing::Values(DistanceCase{"Equal", "pause", "pause", 0},
                      DistanceCase{"Transposition", "setWeigth", "setWeight", 1},
                      DistanceCase{"Insertion", "latncy", "latency", 1},
                      DistanceCase{"Substitution", "error-rate", "error_rate", 1},
                      DistanceCase{"Empty", "", "abc", 3},
                      DistanceCase{"Unrelated", "annotations", "labels", 9}),
    [](const auto& info) { return info.param.name; });

struct MatchCase {
  const char* name;
  const char* word;
  std::vector<std::string> candidates;
  std::string expected;  // empty: no suggestion
};

class DidYouMean : public ::testing::TestWithParam<MatchCase> {};

TEST_P(DidYouMean, SuggestsOnlyWhenClose) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(did_you_mean(c.word, c.candidates),
            c.expected.empty() ? "" : "did you mean \"" + c.expected + "\"?");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DidYouMean,
    ::testing::Values(
        MatchCase{"StepKey", "setWeigth", {"setWeight", "pause", "analysis"}, "setWeight"},
        MatchCase{"CaseOnly", "mannwhitney", {"mannWhitney", "ratio", "sequential"}, "mannWhitney"},
        MatchCase{"Closest", "stabel", {"baseline", "stable"}, "stable"},
        MatchCase{"TooFar", "annotations", {"name", "labels"}, ""},
        MatchCase{"ShortWordsNeedOneEdit", "ab", {"xy"}, ""},
        MatchCase{"NotItself", "pause", {"pause"}, ""},
        MatchCase{"Template", "{{prot}}", {"{{port}}", "{{name}}"}, "{{port}}"},
        MatchCase{"PhaseName", "RolledBak", {"RolledBack", "RollingBack"}, "RolledBack"}),
    [](const auto& info) { return info.param.name; });

TEST(JoinOptions, ReadsLikeASentence) {
  EXPECT_EQ(join_options({"a"}), "a");
  EXPECT_EQ(join_options({"a", "b"}), "a or b");
  EXPECT_EQ(join_options({"a", "b", "c"}, "and"), "a, b and c");
}

}  // namespace
}  // namespace rollguard
