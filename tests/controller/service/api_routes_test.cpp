#include <gtest/gtest.h>

#include "controller/service/api_error.hpp"
#include "controller/service/api_routes.hpp"

namespace rollguard {
namespace {

struct TargetCase {
  std::string name;
  std::string target;
  bool ok;
  std::string path;  // when ok
};

class ParseTargetTest : public ::testing::TestWithParam<TargetCase> {};

TEST_P(ParseTargetTest, AcceptsCleanPathsOnly) {
  const TargetCase& c = GetParam();
  if (!c.ok) {
    EXPECT_THROW(parse_target(c.target), BadRequest);
    return;
  }
  EXPECT_EQ(parse_target(c.target).path, c.path);
}

INSTANTIATE_TEST_SUITE_P(
    Targets, ParseTargetTest,
    ::testing::Values(TargetCase{"Plain", "/v1/rollouts/checkout", true, "/v1/rollouts/checkout"},
                      TargetCase{"WithQuery", "/v1/rollouts?x=1", true, "/v1/rollouts"},
                      TargetCase{"Root", "/", true, "/"},
                      TargetCase{"EncodedLetter", "/v1/rollouts/%63heckout", true,
                                 "/v1/rollouts/checkout"},
                      TargetCase{"DotDot", "/v1/rollouts/../secrets", false, ""},
                      TargetCase{"EncodedDotDot", "/v1/rollouts/%2e%2e/x", false, ""},
                      TargetCase{"EncodedSlash", "/v1/rollouts/a%2fb", false, ""},
                      TargetCase{"Backslash", "/v1/rollouts/a%5cb", false, ""},
                      TargetCase{"ControlChar", "/v1/rollouts/a%0ab", false, ""},
                      TargetCase{"EmptySegment", "/v1//rollouts", false, ""},
                      TargetCase{"BadPercent", "/v1/rollouts/%zz", false, ""},
                      TargetCase{"NotAbsolute", "v1/rollouts", false, ""},
                      TargetCase{"AbsoluteUri", "http://evil/v1/rollouts", false, ""}),
    [](const auto& info) { return info.param.name; });

TEST(ParseTargetTest, DecodesTheQuery) {
  const ParsedTarget t = parse_target("/v1/rollouts/x/events?watch=true&after=12&note=a+b%21&flag");
  EXPECT_EQ(t.query.at("watch"), "true");
  EXPECT_EQ(t.query.at("after"), "12");
  EXPECT_EQ(t.query.at("note"), "a b!");
  EXPECT_EQ(t.query.at("flag"), "");
}

struct RouteNameCase {
  std::string name;
  std::string value;
  bool valid;
};

class RolloutNameTest : public ::testing::TestWithParam<RouteNameCase> {};

TEST_P(RolloutNameTest, FollowsTheDnsLabelRule) {
  EXPECT_EQ(valid_rollout_name(GetParam().value), GetParam().valid);
}

INSTANTIATE_TEST_SUITE_P(
    Names, RolloutNameTest,
    ::testing::Values(
        RouteNameCase{"Simple", "checkout", true}, RouteNameCase{"WithDash", "check-out-2", true},
        RouteNameCase{"Digits", "1a", true}, RouteNameCase{"Max63", std::string(63, 'a'), true},
        RouteNameCase{"Over63", std::string(64, 'a'), false}, RouteNameCase{"Empty", "", false},
        RouteNameCase{"Upper", "Checkout", false}, RouteNameCase{"LeadingDash", "-a", false},
        RouteNameCase{"TrailingDash", "a-", false}, RouteNameCase{"Dot", "a.b", false},
        RouteNameCase{"Underscore", "a_b", false}, RouteNameCase{"Space", "a b", false}),
    [](const auto& info) { return info.param.name; });

ApiRouter sample_router() {
  auto ok = [](const ApiRequest&) { return ApiReply{}; };
  return ApiRouter({{"GET", "/v1/rollouts", ApiRole::Viewer, ok},
                    {"GET", "/v1/rollouts/{name}", ApiRole::Viewer, ok},
                    {"PUT", "/v1/rollouts/{name}", ApiRole::Operator, ok},
                    {"POST", "/v1/rollouts/{name}/promote", ApiRole::Operator, ok}});
}

TEST(ApiRouterTest, MatchesMethodAndPatternAndTakesTheName) {
  const ApiRouter router = sample_router();
  const auto m = router.match("POST", "/v1/rollouts/checkout/promote");
  EXPECT_EQ(m.route->pattern, "/v1/rollouts/{name}/promote");
  EXPECT_EQ(m.params.at("name"), "checkout");
  EXPECT_EQ(router.match("PUT", "/v1/rollouts/checkout").route->method, "PUT");
}

TEST(ApiRouterTest, UnknownPathIsNotFoundOtherMethodIsNotAllowed) {
  const ApiRouter router = sample_router();
  EXPECT_THROW(router.match("GET", "/v1/things"), NotFound);
  EXPECT_THROW(router.match("DELETE", "/v1/rollouts"), MethodNotAllowed);
  EXPECT_THROW(router.match("GET", "/v1/rollouts/checkout/promote"), MethodNotAllowed);
}

TEST(ApiRouterTest, AnInvalidNameIsABadRequest) {
  EXPECT_THROW(sample_router().match("GET", "/v1/rollouts/Bad_Name"), BadRequest);
}

}  // namespace
}  // namespace rollguard
