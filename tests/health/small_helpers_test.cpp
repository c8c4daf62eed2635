// argv templates, endpoints, the quoting of bodies and outputs in reasons, and numbers in
// reasons.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "health/judges/judge_result.hpp"
#include "health/net/endpoint.hpp"
#include "health/process/argv_template.hpp"
#include "health/text.hpp"

namespace rollguard {
namespace {

struct HelperTemplateCase {
  std::string name;
  Argv argv;
  Argv expected;
};

class RenderArgv : public ::testing::TestWithParam<HelperTemplateCase> {};

TEST_P(RenderArgv, SubstitutesPerArgument) {
  std::map<std::string, std::string> vars{
      {"port", "20001"}, {"role", "canary"}, {"version", "1.5.0"}, {"name", "a b; rm -rf /"}};
  EXPECT_EQ(render_argv(GetParam().argv, vars), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RenderArgv,
    ::testing::Values(
        HelperTemplateCase{"Plain", {"app", "--flag"}, {"app", "--flag"}},
        HelperTemplateCase{"Whole", {"--port", "{{port}}"}, {"--port", "20001"}},
        HelperTemplateCase{"Embedded", {"--addr=127.0.0.1:{{port}}"}, {"--addr=127.0.0.1:20001"}},
        HelperTemplateCase{"Several", {"{{role}}-{{version}}"}, {"canary-1.5.0"}},
        HelperTemplateCase{"ValueStaysOneArgument", {"{{name}}"}, {"a b; rm -rf /"}},
        HelperTemplateCase{"UnknownLeftLiteral", {"{{nope}}", "x{{port}}"}, {"{{nope}}", "x20001"}},
        HelperTemplateCase{"Unclosed", {"{{port"}, {"{{port"}}),
    [](const auto& info) { return info.param.name; });

struct EndpointCase {
  std::string name;
  std::string text;
  std::optional<HostPort> expected;
};

class ParseEndpoint : public ::testing::TestWithParam<EndpointCase> {};

TEST_P(ParseEndpoint, Parses) {
  EXPECT_EQ(parse_endpoint(GetParam().text), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseEndpoint,
    ::testing::Values(EndpointCase{"Ipv4", "127.0.0.1:8080", HostPort{"127.0.0.1", 8080}},
                      EndpointCase{"Name", "localhost:1", HostPort{"localhost", 1}},
                      EndpointCase{"Ipv6", "[::1]:443", HostPort{"::1", 443}},
                      EndpointCase{"NoPort", "127.0.0.1", std::nullopt},
                      EndpointCase{"EmptyHost", ":80", std::nullopt},
                      EndpointCase{"PortZero", "h:0", std::nullopt},
                      EndpointCase{"PortTooBig", "h:65536", std::nullopt},
                      EndpointCase{"PortNotNumber", "h:80x", std::nullopt},
                      EndpointCase{"BareIpv6", "::1:80", std::nullopt}),
    [](const auto& info) { return info.param.name; });

TEST(Excerpt, KeepsShortTextOnOneLine) {
  EXPECT_EQ(excerpt("a\nb\tc\r\n"), "a b c ");
}

TEST(Excerpt, CutsLongText) {
  EXPECT_EQ(excerpt(std::string(130, 'x'), 120), std::string(120, 'x') + "...");
}

TEST(TailExcerpt, KeepsTheEnd) {
  EXPECT_EQ(tail_excerpt("  line one\nline two\n", 200), "line one line two");
  EXPECT_EQ(tail_excerpt("0123456789", 4), "...6789");
}

// Numbers in reasons read as printf's "%.3g" would write them (they are written without it).
TEST(FormatNumber, WritesWhatPrintfWould) {
  for (double v : {0.0, -0.0, 1.0, 0.001, 0.0123456, 0.05, 0.99, 1.5, 2.0, 12.345, 99.95, 100.0,
                   999.5, 1234.5, 1e6, 3.2e-7, -4.56, 1e300, 5e-324}) {
    char expected[32];
    std::snprintf(expected, sizeof expected, "%.3g", v);
    EXPECT_EQ(format_number(v), expected) << v;
    const bool whole = std::fabs(v) >= 100 && std::fabs(v) < 1e9;
    std::snprintf(expected, sizeof expected, whole ? "%.0fx" : "%.3gx", v);
    EXPECT_EQ(format_ratio(v), expected) << v;
  }
  EXPECT_EQ(format_number(NAN), "NaN");
  EXPECT_EQ(format_number(-INFINITY), "-inf");
  EXPECT_EQ(format_ratio(INFINITY), "inf");
}

}  // namespace
}  // namespace rollguard
