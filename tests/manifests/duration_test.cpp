#include "manifests/duration.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

struct ParseCase {
  const char* name;
  const char* text;
  std::optional<Duration> expected;
};

class ParseDuration : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseDuration, Parses) {
  EXPECT_EQ(parse_duration(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseDuration,
    ::testing::Values(
        ParseCase{"Milliseconds", "250ms", 250ms}, ParseCase{"Seconds", "30s", 30s},
        ParseCase{"Minutes", "5m", 5min}, ParseCase{"Hours", "1h", 1h},
        ParseCase{"HoursAndMinutes", "1h30m", 90min},
        ParseCase{"AllUnits", "1h2m3s4ms", 1h + 2min + 3s + 4ms}, ParseCase{"Zero", "0s", 0s},
        ParseCase{"BareNumberIsNotADuration", "30", std::nullopt},
        ParseCase{"Empty", "", std::nullopt}, ParseCase{"UnknownUnit", "3d", std::nullopt},
        ParseCase{"UnitsOutOfOrder", "5s1m", std::nullopt},
        ParseCase{"RepeatedUnit", "1m1m", std::nullopt}, ParseCase{"Negative", "-5s", std::nullopt},
        ParseCase{"Fraction", "1.5s", std::nullopt}, ParseCase{"Space", "5 s", std::nullopt},
        ParseCase{"TrailingGarbage", "5sx", std::nullopt},
        ParseCase{"Overflow", "99999999999999h", std::nullopt}),
    [](const auto& info) { return info.param.name; });

TEST(FormatDuration, IsCanonicalAndRoundTrips) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1h + 1ms), "1h1ms");
  for (Duration d : std::initializer_list<Duration>{1ms, 999ms, 1s, 61s, 1h, 25h, 3723004ms})
    EXPECT_EQ(parse_duration(format_duration(d)), d) << d.count();
}

}  // namespace
}  // namespace rollguard
