#include <gtest/gtest.h>

#include "controller/service/api_auth.hpp"
#include "controller/service/api_error.hpp"

namespace rollguard {
namespace {

struct TokensCase {
  std::string name;
  std::string text;
  std::string error;  // a piece of the first error; empty: valid
};

class TokensFileTest : public ::testing::TestWithParam<TokensCase> {};

TEST_P(TokensFileTest, ParsesOrNamesTheLine) {
  const TokensCase& c = GetParam();
  LoadedTokens loaded = parse_tokens(c.text, "tokens.csv");
  if (c.error.empty()) {
    ASSERT_TRUE(loaded.table) << (loaded.errors.empty() ? "" : loaded.errors.front());
    return;
  }
  ASSERT_FALSE(loaded.table);
  ASSERT_FALSE(loaded.errors.empty());
  EXPECT_NE(loaded.errors.front().find(c.error), std::string::npos) << loaded.errors.front();
}

INSTANTIATE_TEST_SUITE_P(
    Files, TokensFileTest,
    ::testing::Values(
        TokensCase{"Valid", "# who\nabc,alice,operator\n\ndef, bob , viewer # ci\n", ""},
        TokensCase{"TwoFields", "abc,alice\n", "tokens.csv:1: expected 3 fields"},
        TokensCase{"FourFields", "x\nabc,alice,viewer,extra\n", "tokens.csv:1:"},
        TokensCase{"UnknownRole", "abc,alice,admin\n", "unknown role \"admin\""},
        TokensCase{"EmptyName", "abc,,viewer\n", "the name is empty"},
        TokensCase{"SpaceInToken", "a c,alice,viewer\n", "the token is empty or has spaces"},
        TokensCase{"Duplicate", "abc,alice,viewer\nabc,bob,operator\n",
                   "tokens.csv:2: this token is already listed"},
        TokensCase{"Empty", "# nothing\n", "no tokens"}),
    [](const auto& info) { return info.param.name; });

TEST(AuthenticateTest, BearerTokensNameTheCaller) {
  LoadedTokens loaded = parse_tokens("abc,alice,operator\ndef,bob,viewer\n", "t");
  ASSERT_TRUE(loaded.table);
  const TokenTable& t = *loaded.table;
  EXPECT_EQ(authenticate(&t, "Bearer abc").name, "alice");
  EXPECT_EQ(authenticate(&t, "Bearer abc").role, ApiRole::Operator);
  EXPECT_EQ(authenticate(&t, "Bearer def").role, ApiRole::Viewer);
  EXPECT_EQ(authenticate(&t, "").role, ApiRole::Anonymous);
  EXPECT_THROW(authenticate(&t, "Bearer nope"), Unauthenticated);
  EXPECT_THROW(authenticate(&t, "Basic YWxpY2U6eA=="), Unauthenticated);
}

TEST(AuthenticateTest, WithoutATokenFileEveryoneIsALocalOperator) {
  const Caller c = authenticate(nullptr, "");
  EXPECT_EQ(c.role, ApiRole::Operator);
  EXPECT_EQ(c.name, "local");
}

}  // namespace
}  // namespace rollguard
