#include "health/providers/query_template.hpp"

#include <gtest/gtest.h>

#include <map>
#include <ostream>

namespace rollguard {
namespace {

struct TemplateCase {
  const char* name;
  std::string text;
  bool with_secrets;
  std::string expanded;  // when `error` is empty
  std::vector<std::string> secrets;
  std::string error;  // expected substring
};
// ctest lists a case by its name rather than its bytes.
void PrintTo(const TemplateCase& c, std::ostream* os) {
  *os << c.name;
}

class Templates : public ::testing::TestWithParam<TemplateCase> {};

TEST_P(Templates, Expand) {
  const TemplateCase& c = GetParam();
  const std::map<std::string, std::string> env{{"TOKEN", "s3cr3t"}, {"EMPTY", ""}};
  const SecretSource source = [&env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  const Expanded e = expand_template(c.text, MetricQuery{"shop", "v7", Role::Baseline, 1min},
                                     c.with_secrets ? &source : nullptr);
  if (!c.error.empty()) {
    EXPECT_FALSE(e.ok());
    EXPECT_NE(e.error.find(c.error), std::string::npos) << e.error;
    EXPECT_EQ(e.error.find("s3cr3t"), std::string::npos);
    return;
  }
  ASSERT_TRUE(e.ok()) << e.error;
  EXPECT_EQ(e.text, c.expanded);
  EXPECT_EQ(e.secrets, c.secrets);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Templates,
    ::testing::Values(
        TemplateCase{"plain", "up", false, "up", {}, ""},
        TemplateCase{"all_names",
                     R"(x{app="{{name}}",v="{{version}}",r="{{role}}"})",
                     false,
                     R"(x{app="shop",v="v7",r="baseline"})",
                     {},
                     ""},
        TemplateCase{"blanks_inside", "{{ version }}", false, "v7", {}, ""},
        TemplateCase{"lone_braces_are_text", "a {{ b", false, "a {{ b", {}, ""},
        TemplateCase{"unknown", "{{build}}", false, "", {}, "unknown placeholder {{build}}"},
        TemplateCase{"secret", "Bearer {{secret:TOKEN}}", true, "Bearer s3cr3t", {"s3cr3t"}, ""},
        TemplateCase{"empty_secret", "x{{secret:EMPTY}}", true, "x", {}, ""},
        TemplateCase{
            "missing_secret", "{{secret:NOPE}}", true, "", {}, "environment variable NOPE"},
        TemplateCase{"secret_outside_headers",
                     "{{secret:TOKEN}}",
                     false,
                     "",
                     {},
                     "only allowed in headers"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Redact, ReplacesEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(redact("a s3cr3t b s3cr3t c tok", {"s3cr3t", "tok"}), "a *** b *** c ***");
  EXPECT_EQ(redact("nothing here", {"s3cr3t", ""}), "nothing here");
  EXPECT_EQ(redact("aaaa", {"aa"}), "******");
}

}  // namespace
}  // namespace rollguard
