// Request bodies that once broke the API (found by fuzz/api_body.cpp, reproducers in
// fuzz/corpus/api_body/finding-*): each is refused with its documented status and a JSON error
// body, never a hang, a crash or an exception other than an ApiError.
#include "controller/service/manifest_body.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controller/service/api_error.hpp"

namespace rollguard {
namespace {

struct BodyCase {
  const char* name;
  const char* content_type;
  std::string body;
  int status;
  const char* message;  // part of error.message
};

class RefusedBodies : public ::testing::TestWithParam<BodyCase> {};

TEST_P(RefusedBodies, AreAnApiErrorWithAJsonBody) {
  const BodyCase& c = GetParam();
  ErrorReply reply;
  try {
    (void)manifest_from_body(c.content_type, c.body);
    FAIL() << "accepted";
  } catch (const ApiError&) {
    reply = error_reply(std::current_exception());
  }
  EXPECT_EQ(reply.status, c.status);
  const auto json = nlohmann::json::parse(reply.body, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << reply.body;
  EXPECT_NE(json["error"]["message"].get<std::string>().find(c.message), std::string::npos)
      << reply.body;
}

INSTANTIATE_TEST_SUITE_P(
    Fuzzed, RefusedBodies,
    ::testing::Values(
        // The JSON parser's message quotes the byte it stopped at; writing the error body threw.
        BodyCase{"JsonOfBytesThatAreNotUtf8", "application/json", std::string(104, '\xff'), 400,
                 "invalid JSON"},
        // nlohmann threw out_of_range, which load_document let through.
        BodyCase{"JsonNumberTooLarge", "application/json", "{\"spec\": {\"x\": -1e3081}}", 400,
                 "number overflow parsing '-1e3081'"},
        // yaml-cpp 0.7 looped forever on a comma outside [...] or {...}.
        BodyCase{"YamlLoneComma", "application/yaml", ",", 400, "cannot read on from \",\""},
        BodyCase{"AutoDetectedComma", "", "  ,\n", 400, "cannot read on from \",\""},
        // Accepted, it could not have been stored: the store writes the spec as JSON.
        BodyCase{"YamlValueNotUtf8", "application/yaml",
                 "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: \"a\xff\"}\n", 400,
                 "not valid UTF-8"}),
    [](const auto& info) { return info.param.name; });

TEST(ErrorReply, WritesBytesThatAreNotUtf8AsReplacementCharacters) {
  const ErrorReply reply = error_reply(std::make_exception_ptr(
      BadRequest("MalformedBody", "stopped at '\xff'", {Diagnostic{{}, 1, 2, "", "x\xc0", {}}})));
  EXPECT_EQ(reply.status, 400);
  const auto json = nlohmann::json::parse(reply.body);
  EXPECT_EQ(json["error"]["message"], "stopped at '\xef\xbf\xbd'");
  EXPECT_EQ(json["error"]["details"][0]["message"], "x\xef\xbf\xbd");
  EXPECT_EQ(nlohmann::json::parse(error_body("Code", "\xff"))["error"]["message"], "\xef\xbf\xbd");
}

}  // namespace
}  // namespace rollguard
