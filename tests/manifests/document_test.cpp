#include "manifests/document.hpp"

#include <gtest/gtest.h>

#include "manifest_test_support.hpp"

namespace rollguard {
namespace {

using nlohmann::json;

struct ScalarCase {
  const char* name;
  const char* yaml;  // the value of key `v`
  json expected;
};

class YamlScalars : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(YamlScalars, AreTypedByTheCoreSchemaUnlessQuoted) {
  const LoadedDocument loaded =
      load_document(std::string("v: ") + GetParam().yaml + "\n", Format::Yaml, "t.yaml");
  ASSERT_TRUE(loaded.document) << testing::dump(loaded.diagnostics);
  const json& v = loaded.document->root().at("v");
  EXPECT_EQ(v, GetParam().expected) << v.dump();
  EXPECT_EQ(v.type(), GetParam().expected.type()) << v.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Core, YamlScalars,
    ::testing::Values(
        ScalarCase{"Integer", "42", 42}, ScalarCase{"Negative", "-7", -7},
        ScalarCase{"Hex", "0x1F", 31}, ScalarCase{"Octal", "0o17", 15},
        ScalarCase{"Float", "1.10", 1.1}, ScalarCase{"Exponent", "1e3", 1000.0},
        ScalarCase{"LeadingDot", ".5", 0.5}, ScalarCase{"True", "true", true},
        ScalarCase{"FalseCapital", "False", false}, ScalarCase{"Null", "null", nullptr},
        ScalarCase{"Tilde", "~", nullptr}, ScalarCase{"Empty", "", nullptr},
        ScalarCase{"YesIsAString", "yes", "yes"}, ScalarCase{"OnIsAString", "on", "on"},
        ScalarCase{"VersionIsAString", "1.5.0", "1.5.0"},
        ScalarCase{"DurationIsAString", "30s", "30s"},
        ScalarCase{"DoubleQuotedNumber", "\"42\"", "42"},
        ScalarCase{"SingleQuotedBool", "'true'", "true"},
        ScalarCase{"QuotedNull", "\"null\"", "null"}, ScalarCase{"ExplicitStrTag", "!!str 5", "5"},
        ScalarCase{"Utf8", "\"h\xc3\xa9 \xf0\x9f\x9a\x80\"", "h\xc3\xa9 \xf0\x9f\x9a\x80"},
        ScalarCase{"HugeIntegerBecomesFloat", "123456789012345678901234567890",
                   1.2345678901234568e29}),
    [](const auto& info) { return info.param.name; });

TEST(Document, YamlPositionsOfKeysAndValues) {
  const LoadedDocument loaded =
      load_document("spec:\n  steps:\n    - setWeight: 5\n    - pause:\n", Format::Yaml, "t.yaml");
  ASSERT_TRUE(loaded.document);
  const Document& d = *loaded.document;
  EXPECT_EQ(d.key_location("/spec/steps/0/setWeight").line, 3);
  EXPECT_EQ(d.key_location("/spec/steps/0/setWeight").column, 7);
  EXPECT_EQ(d.value_location("/spec/steps/0/setWeight").column, 18);
  // An empty value points at its key, not at the next token.
  EXPECT_EQ(d.value_location("/spec/steps/1/pause").line, 4);
  EXPECT_EQ(d.value_location("/spec/steps/1/pause").column, 7);
  // A missing key falls back to its nearest ancestor.
  EXPECT_EQ(d.value_location("/spec/steps/1/pause/duration").line, 4);
  EXPECT_EQ(d.raw_scalar("/spec/steps/0/setWeight") != nullptr, true);
}

TEST(Document, JsonPositionsAreRecovered) {
  const LoadedDocument loaded =
      load_document("{\n  \"spec\": {\n    \"weight\": 5\n  }\n}\n", Format::Json, "t.json");
  ASSERT_TRUE(loaded.document) << testing::dump(loaded.diagnostics);
  EXPECT_EQ(loaded.document->format(), Format::Json);
  EXPECT_EQ(loaded.document->key_location("/spec/weight").line, 3);
  EXPECT_EQ(loaded.document->key_location("/spec/weight").column, 5);
  EXPECT_EQ(loaded.document->value_location("/spec/weight").column, 15);
}

struct SyntaxCase {
  const char* name;
  const char* text;
  Format format;
  int line;
  int column;
  const char* message;
};

class SyntaxErrors : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(SyntaxErrors, AreOneDiagnosticWithAPosition) {
  const SyntaxCase& c = GetParam();
  const LoadedDocument loaded = load_document(c.text, c.format, "f");
  EXPECT_FALSE(loaded.document);
  ASSERT_EQ(loaded.diagnostics.size(), 1u) << testing::dump(loaded.diagnostics);
  EXPECT_EQ(loaded.diagnostics[0].line, c.line) << loaded.diagnostics[0].to_string();
  EXPECT_EQ(loaded.diagnostics[0].column, c.column) << loaded.diagnostics[0].to_string();
  EXPECT_NE(loaded.diagnostics[0].message.find(c.message), std::string::npos)
      << loaded.diagnostics[0].to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Both, SyntaxErrors,
    ::testing::Values(
        SyntaxCase{"JsonTrailingComma", "{\"a\": 1,\n  \"b\": }", Format::Json, 2, 8,
                   "invalid JSON: syntax error"},
        SyntaxCase{"JsonUnterminated", "{\"a\": [1, 2", Format::Json, 1, 12, "invalid JSON"},
        // nlohmann throws out_of_range, not parse_error, for it (fuzz/corpus/api_body/finding-*).
        SyntaxCase{"JsonNumberTooLarge", "{\"a\": {\"b\": 1e3081}}", Format::Json, 1, 13,
                   "invalid JSON: number overflow parsing '1e3081'"},
        SyntaxCase{"JsonDuplicateKey", "{\"a\": 1,\n \"a\": 2}", Format::Json, 2, 2,
                   "duplicate key \"a\" (first written on line 1)"},
        SyntaxCase{"YamlUnclosedFlow", "a: [1, 2\nb: 3\n", Format::Yaml, 2, 2, "invalid YAML"},
        SyntaxCase{"YamlBadIndent", "a:\n  b: 1\n c: 2\n", Format::Yaml, 3, 2, "invalid YAML"},
        SyntaxCase{"YamlDuplicateKey", "a: 1\nb: 2\na: 3\n", Format::Yaml, 3, 1,
                   "duplicate key \"a\" (first written on line 1)"},
        SyntaxCase{"YamlTwoDocuments", "a: 1\n---\nb: 2\n", Format::Yaml, 3, 1,
                   "expected one document, found 2"},
        // yaml-cpp 0.7's LoadAll never returned on these (fuzz/corpus/manifest_yaml/finding-*).
        SyntaxCase{"YamlLoneCommaIsAnErrorNotAHang", ",", Format::Yaml, 1, 1,
                   "invalid YAML: the parser cannot read on from \",\""},
        SyntaxCase{"YamlCommaAfterAMapIsAnErrorNotAHang", "a: 1\n,\n", Format::Yaml, 2, 1,
                   "invalid YAML"},
        SyntaxCase{"YamlIndentedCommaIsAnErrorNotAHang", "# x\n    ,process:\n      a: 1\n",
                   Format::Yaml, 2, 5, "cannot read on from \",\""},
        SyntaxCase{"YamlValueNotUtf8", "a: \"x\xff\"\n", Format::Yaml, 1, 4,
                   "this value is not valid UTF-8 (byte 0xFF at offset 1)"},
        SyntaxCase{"YamlKeyNotUtf8", "\xc0\xaf: 1\n", Format::Yaml, 1, 1,
                   "a map key is not valid UTF-8 (byte 0xC0 at offset 0)"},
        SyntaxCase{"YamlSurrogateNotUtf8", "a: [\xed\xa0\x80]\n", Format::Yaml, 1, 5,
                   "this value is not valid UTF-8 (byte 0xED at offset 0)"},
        SyntaxCase{"YamlTruncatedUtf8", "a: \xe2\x82\n", Format::Yaml, 1, 4,
                   "this value is not valid UTF-8 (byte 0xE2 at offset 0)"},
        SyntaxCase{
            "YamlAliasBomb",
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, "
            "*c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, "
            "*e, *e]\n",
            Format::Yaml, 1, 1, "too large or too deeply nested"}),
    [](const auto& info) { return info.param.name; });

struct DetectCase {
  const char* name;
  const char* text;
  const char* file;
  bool loads;
  Format format;  // when it loads
};

class FormatDetection : public ::testing::TestWithParam<DetectCase> {};

TEST_P(FormatDetection, FollowsTheFileNameThenTheContent) {
  const DetectCase& c = GetParam();
  const LoadedDocument loaded = load_document(c.text, Format::Auto, c.file);
  ASSERT_EQ(loaded.document.has_value(), c.loads) << testing::dump(loaded.diagnostics);
  if (c.loads) {
    EXPECT_EQ(loaded.document->format(), c.format);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Auto, FormatDetection,
    ::testing::Values(DetectCase{"JsonByContent", "{\"a\": 1}", "", true, Format::Json},
                      DetectCase{"YamlFlowMapByContent", "{a: 1}", "", true, Format::Yaml},
                      DetectCase{"YamlByContent", "a: 1", "", true, Format::Yaml},
                      DetectCase{"JsonByName", "{\"a\": 1}", "x.json", true, Format::Json},
                      DetectCase{"JsonNameIsStrict", "{a: 1}", "x.json", false, Format::Json},
                      DetectCase{"YamlByName", "{\"a\": 1}", "x.yaml", true, Format::Yaml},
                      DetectCase{"YmlByName", "a: 1", "x.yml", true, Format::Yaml}),
    [](const auto& info) { return info.param.name; });

TEST(Document, UnreadableFileIsADiagnostic) {
  const LoadedDocument loaded = load_document_file("/nonexistent/rollout.yaml");
  EXPECT_FALSE(loaded.document);
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].file, "/nonexistent/rollout.yaml");
  EXPECT_NE(loaded.diagnostics[0].message.find("cannot read the file"), std::string::npos);
}

TEST(Document, PointersEscapeSlashAndTilde) {
  EXPECT_EQ(pointer_append("/a", "b/c~d"), "/a/b~1c~0d");
}

}  // namespace
}  // namespace rollguard
