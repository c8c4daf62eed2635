#include "health/providers/web/json_path.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

using nlohmann::json;

const json kDoc = json::parse(R"({
  "error_rate": 0.004,
  "latency": {"p50": 12.5, "p99": 250},
  "pods": [
    {"name": "a", "rps": 10, "tags": ["x", "y"]},
    {"name": "b", "rps": 20, "tags": []},
    {"name": "c", "rps": 30}
  ],
  "matrix": [[1, 2], [3, 4]],
  "weird keys": {"a.b": 1, "it's": 2, "say \"hi\"": 3, "back\\slash": 4, "": 5, "ünï": 6},
  "dash-key": true,
  "0": "zero",
  "nothing": null
})");

struct SelectCase {
  const char* name;
  const char* path;
  json expected;  // the selected nodes as an array, in order
  bool definite = true;
};

class JsonPathSelect : public ::testing::TestWithParam<SelectCase> {};

TEST_P(JsonPathSelect, SelectsNodes) {
  const auto& c = GetParam();
  auto parsed = JsonPath::parse(c.path);
  if (auto* e = std::get_if<JsonPathError>(&parsed))
    FAIL() << c.path << ": column " << e->column << ": " << e->message;
  const JsonPath& path = std::get<JsonPath>(parsed);
  json selected = json::array();
  for (const json* node : path.select(kDoc)) selected.push_back(*node);
  EXPECT_EQ(selected, c.expected) << c.path;
  EXPECT_EQ(path.is_definite(), c.definite) << c.path;
  EXPECT_EQ(path.text(), c.path);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonPathSelect,
    ::testing::Values(
        SelectCase{"Root", "$", json::array({kDoc})},
        SelectCase{"TopLevelKey", "$.error_rate", {0.004}},
        SelectCase{"NestedKey", "$.latency.p99", {250}},
        SelectCase{"ArrayIndex", "$.pods[1].rps", {20}},
        SelectCase{"NegativeIndexCountsFromTheEnd", "$.pods[-1].name", {"c"}},
        SelectCase{"NegativeIndexFirst", "$.pods[-3].name", {"a"}},
        SelectCase{"IndexPastTheEnd", "$.pods[3]", json::array()},
        SelectCase{"NegativeIndexPastTheStart", "$.pods[-4]", json::array()},
        SelectCase{"NestedArrays", "$.matrix[1][0]", {3}},
        SelectCase{"BlanksInsideBrackets", "$.matrix[ 1 ][ -1 ]", {4}},
        SelectCase{"WildcardOverArray", "$.pods[*].rps", {10, 20, 30}, false},
        SelectCase{"DotWildcardOverArray", "$.pods.*.name", {"a", "b", "c"}, false},
        SelectCase{"WildcardOverObjectInKeyOrder", "$.latency.*", {12.5, 250}, false},
        SelectCase{"WildcardSkipsMissingMembers", "$.pods[*].tags[0]", {"x"}, false},
        SelectCase{"NestedWildcards", "$.matrix[*][*]", {1, 2, 3, 4}, false},
        SelectCase{"WildcardOverScalarMatchesNothing", "$.error_rate[*]", json::array(), false},
        SelectCase{"WildcardOverEmptyArray", "$.pods[1].tags[*]", json::array(), false},
        SelectCase{"SingleQuotedKeyWithDot", "$['weird keys']['a.b']", {1}},
        SelectCase{"DoubleQuotedKey", R"($["weird keys"]["a.b"])", {1}},
        SelectCase{"EscapedQuote", R"($['weird keys']['it\'s'])", {2}},
        SelectCase{"OtherQuoteNeedsNoEscape", R"($['weird keys']["it's"])", {2}},
        SelectCase{"EscapedDoubleQuotes", R"($['weird keys']["say \"hi\""])", {3}},
        SelectCase{"EscapedBackslash", R"($['weird keys']['back\\slash'])", {4}},
        SelectCase{"EmptyKey", "$['weird keys']['']", {5}},
        SelectCase{"Utf8KeyUnquoted", "$['weird keys'].ünï", {6}},
        SelectCase{"DashInDottedKey", "$.dash-key", {true}},
        SelectCase{"DigitKeyOnObject", "$.0", {"zero"}},
        SelectCase{"QuotedIndexIsAKey", "$['0']", {"zero"}},
        SelectCase{"KeyOnArrayMatchesNothing", "$.pods.name", json::array()},
        SelectCase{"IndexOnObjectMatchesNothing", "$.latency[0]", json::array()},
        SelectCase{"MissingKey", "$.latency.p95", json::array()},
        SelectCase{"MissingIntermediate", "$.absent.deeper[0]", json::array()},
        SelectCase{"NullIsAMatch", "$.nothing", {nullptr}},
        SelectCase{"KeysAreCaseSensitive", "$.Error_Rate", json::array()}),
    [](const auto& info) { return info.param.name; });

struct ErrorCase {
  const char* name;
  const char* path;
  int column;
  const char* message;
};

class JsonPathErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(JsonPathErrors, ReportColumnAndMessage) {
  const auto& c = GetParam();
  auto parsed = JsonPath::parse(c.path);
  ASSERT_TRUE(std::holds_alternative<JsonPathError>(parsed)) << c.path;
  const auto& e = std::get<JsonPathError>(parsed);
  EXPECT_EQ(e.column, c.column) << c.path;
  EXPECT_EQ(e.message, c.message) << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonPathErrors,
    ::testing::Values(
        ErrorCase{"Empty", "", 1, "empty path; a path starts with \"$\""},
        ErrorCase{"NoRoot", "error_rate", 1,
                  "a path starts with \"$\" (the document root), for example $.error_rate"},
        ErrorCase{"LeadingBlank", " $.a", 1,
                  "a path starts with \"$\" (the document root), for example $.error_rate"},
        ErrorCase{"RecursiveDescent", "$.a..b", 4,
                  "recursive descent \"..\" is not supported by rollguard's JSONPath subset"},
        ErrorCase{"RecursiveDescentAtRoot", "$..b", 2,
                  "recursive descent \"..\" is not supported by rollguard's JSONPath subset"},
        ErrorCase{"Filter", "$.pods[?(@.rps > 10)]", 8,
                  "filters [?(...)] are not supported by rollguard's JSONPath subset"},
        ErrorCase{"Script", "$.pods[(@.length-1)]", 8,
                  "script expressions [(...)] are not supported by rollguard's JSONPath subset"},
        ErrorCase{"Slice", "$.pods[0:2]", 9,
                  "slices [start:end] are not supported by rollguard's JSONPath subset"},
        ErrorCase{"OpenSlice", "$.pods[:2]", 8,
                  "slices [start:end] are not supported by rollguard's JSONPath subset"},
        ErrorCase{"IndexUnion", "$.pods[0,1]", 9,
                  "unions [a,b] are not supported by rollguard's JSONPath subset"},
        ErrorCase{"KeyUnion", "$['a','b']", 6,
                  "unions [a,b] are not supported by rollguard's JSONPath subset"},
        ErrorCase{"TrailingDot", "$.a.", 5, "expected a key after \".\""},
        ErrorCase{"SpaceInDottedKey", "$.weird keys", 8,
                  "unexpected \" \"; expected \".\" or \"[\""},
        ErrorCase{"BadCharAfterDot", "$.@x", 3,
                  "unexpected \"@\" in a key; quote such keys like ['a key']"},
        ErrorCase{"GarbageAfterRoot", "$a", 2, "unexpected \"a\"; expected \".\" or \"[\""},
        ErrorCase{"UnclosedBracket", "$.pods[0", 9, "expected \"]\" to close \"[\" at column 7"},
        ErrorCase{"UnclosedAfterKey", "$['a'", 6, "expected \"]\" to close \"[\" at column 2"},
        ErrorCase{"NothingAfterBracket", "$[", 3, "unexpected end of path after \"[\""},
        ErrorCase{"EmptyBrackets", "$[]", 3,
                  "unexpected \"]\" after \"[\"; expected an index, * or a quoted key"},
        ErrorCase{"UnquotedKeyInBrackets", "$[abc]", 3,
                  "unexpected \"a\" after \"[\"; expected an index, * or a quoted key"},
        ErrorCase{"UnterminatedQuote", "$['abc]", 3,
                  "unterminated quoted key starting at column 3"},
        ErrorCase{"UnknownEscape", R"($['a\nb'])", 5,
                  "unsupported escape in a quoted key; only \\\\, \\' and \\\" are escapes"},
        ErrorCase{"LoneMinus", "$[-]", 3, "expected digits in an index"},
        ErrorCase{"FractionalIndex", "$[1.5]", 4, "expected \"]\" to close \"[\" at column 2"},
        ErrorCase{"HugeIndex", "$[99999999999999999999]", 3,
                  "index 99999999999999999999 is out of range"},
        ErrorCase{"ControlByte", "$.a\x01", 4, "unexpected byte 0x01; expected \".\" or \"[\""}),
    [](const auto& info) { return info.param.name; });

TEST(JsonPath, StepsAreExposedForCallersThatNameCaptures) {
  auto parsed = JsonPath::parse("$.a['b c'][-2][*].*");
  ASSERT_TRUE(std::holds_alternative<JsonPath>(parsed));
  using K = JsonPath::Step::Kind;
  std::vector<JsonPath::Step> expected{{K::Key, "a", 0},
                                       {K::Key, "b c", 0},
                                       {K::Index, "", -2},
                                       {K::Wildcard, "", 0},
                                       {K::Wildcard, "", 0}};
  EXPECT_EQ(std::get<JsonPath>(parsed).steps(), expected);
}

TEST(JsonPath, SelectionPointsIntoTheDocument) {
  auto path = std::get<JsonPath>(JsonPath::parse("$.pods[0].rps"));
  auto nodes = path.select(kDoc);
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0], &kDoc["pods"][0]["rps"]);
}

TEST(JsonPath, SelectsFromScalarDocuments) {
  auto root = std::get<JsonPath>(JsonPath::parse("$"));
  ASSERT_EQ(root.select(json(42)).size(), 1u);
  EXPECT_TRUE(std::get<JsonPath>(JsonPath::parse("$.a")).select(json(42)).empty());
  EXPECT_TRUE(std::get<JsonPath>(JsonPath::parse("$[0]")).select(json()).empty());
}

}  // namespace
}  // namespace rollguard
