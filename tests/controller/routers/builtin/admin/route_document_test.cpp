// The standalone router's PUT /v1/routes body: what is accepted, and the status and message
// of each refusal.
#include "controller/routers/builtin/admin/route_document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rollguard {
namespace {

using ::testing::HasSubstr;

struct RefusalCase {
  const char* name;
  const char* content_type;
  const char* body;
  int status;
  const char* says;
};

const RefusalCase kRefusals[] = {
    {"NotJsonMediaType", "application/yaml", "{}", 415, "application/json"},
    {"NoMediaType", "", "{}", 415, "application/json"},
    {"NotJson", "application/json", "{split", 400, "not valid JSON"},
    {"NotAnObject", "application/json", "[1]", 422, "JSON object"},
    {"NoSplit", "application/json", "{}", 422, "split: missing"},
    {"UnknownKey", "application/json", R"({"split": {}, "weights": 1})", 422,
     "unknown key \"weights\""},
    {"UnknownRole", "application/json", R"({"split": {"canery": 5}})", 422,
     "split: unknown key \"canery\""},
    {"PercentNotNumber", "application/json", R"({"split": {"canary": "5"}})", 422,
     "split.canary: must be a number"},
    {"PercentNegative", "application/json", R"({"split": {"canary": -1}})", 422,
     "split.canary: -1 is not a percent"},
    {"PercentOver100", "application/json", R"({"split": {"stable": 101}})", 422,
     "split.stable: 101 is not a percent"},
    {"PreviewNotBool", "application/json", R"({"split": {}, "preview": "yes"})", 422,
     "preview: must be true or false"},
    {"BackendsNotList", "application/json",
     R"({"split": {}, "backends": {"stable": "127.0.0.1:1"}})", 422,
     "backends.stable: must be a list"},
    {"BackendNotString", "application/json", R"({"split": {}, "backends": {"canary": [1]}})", 422,
     "backends.canary[0]: must be a \"host:port\" string"},
    {"BackendWithoutPort", "application/json",
     R"({"split": {}, "backends": {"stable": ["127.0.0.1"]}})", 422,
     "backends.stable[0]: \"127.0.0.1\""},
    {"RolloutNotString", "application/json", R"({"split": {}, "rollout": 3})", 422,
     "rollout: must be a string"},
};

class RouteRefusals : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(RouteRefusals, NameTheProblem) {
  const RefusalCase& c = GetParam();
  const auto parsed = parse_route_document(c.content_type, c.body);
  ASSERT_TRUE(std::holds_alternative<RouteRefusal>(parsed));
  const RouteRefusal& r = std::get<RouteRefusal>(parsed);
  EXPECT_EQ(r.status, c.status);
  EXPECT_THAT(r.message, HasSubstr(c.says));
}

INSTANTIATE_TEST_SUITE_P(Cases, RouteRefusals, ::testing::ValuesIn(kRefusals),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RouteDocument, ReadsAWholeTableAndWritesItBack) {
  const auto parsed = parse_route_document(
      "application/json; charset=utf-8",
      R"({"rollout": "checkout", "split": {"stable": 95, "canary": 5}, "preview": true,
          "backends": {"stable": ["127.0.0.1:9001", "127.0.0.1:9002"], "canary": ["[::1]:9003"]}})");
  ASSERT_TRUE(std::holds_alternative<RouteDocument>(parsed));
  const RouteDocument& doc = std::get<RouteDocument>(parsed);
  EXPECT_EQ(doc.rollout, "checkout");
  EXPECT_EQ(doc.table.split, (TrafficSplit{95, 5, 0}));
  EXPECT_TRUE(doc.table.preview);
  EXPECT_EQ(doc.table.stable, (std::vector<std::string>{"127.0.0.1:9001", "127.0.0.1:9002"}));
  EXPECT_EQ(doc.table.canary, (std::vector<std::string>{"[::1]:9003"}));
  EXPECT_TRUE(doc.table.baseline.empty());

  const nlohmann::json answer = route_document_json(doc, 7);
  EXPECT_EQ(answer.at("revision"), 7);
  EXPECT_EQ(answer.at("configured"), true);
  EXPECT_EQ(answer.at("backends").at("baseline"), nlohmann::json::array());
  const auto back = route_document_from_answer(answer);
  ASSERT_TRUE(std::holds_alternative<RouteDocument>(back));
  EXPECT_EQ(std::get<RouteDocument>(back), doc);
}

TEST(RouteDocument, OddPercentsSurviveTheRoundTrip) {
  RouteDocument doc;
  doc.table.split = {66.66666666666667, 33.33333333333333, 0};
  const auto back =
      route_document_from_answer(nlohmann::json::parse(route_document_json(doc, 1).dump()));
  ASSERT_TRUE(std::holds_alternative<RouteDocument>(back));
  EXPECT_EQ(std::get<RouteDocument>(back).table.split, doc.table.split);
}

}  // namespace
}  // namespace rollguard
