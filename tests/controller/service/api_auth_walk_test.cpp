// ctest: integration
// Walks the server's own route table: every route that needs a role refuses an anonymous
// caller (401) and every mutating one refuses a viewer (403), so a new route cannot be
// added without the checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

class ApiAuthWalkTest : public ApiFixture {
 protected:
  void SetUp() override {
    start();
    ASSERT_EQ(put_yaml("checkout", manifest_yaml("checkout")).status, 201);
  }
  static std::string concrete(const std::string& pattern) {
    return std::regex_replace(pattern, std::regex(R"(\{name\})"), "checkout");
  }
};

TEST_F(ApiAuthWalkTest, EveryRouteNeedsItsRole) {
  const auto& routes = server_->routes();
  ASSERT_GE(routes.size(), 14u);
  int mutating = 0;
  for (const ApiRoute& route : routes) {
    SCOPED_TRACE(route.method + " " + route.pattern);
    const std::string target = concrete(route.pattern);
    const bool reads = route.method == "GET";
    if (!reads) {
      EXPECT_EQ(route.min_role, ApiRole::Operator) << "a mutating route must need an operator";
      ++mutating;
    }
    const TestResponse anonymous = request_once(port(), route.method, target);
    const TestResponse wrong =
        request_once(port(), route.method, target, {}, bearer("not-a-token"));
    const TestResponse viewer =
        request_once(port(), route.method, target, {}, bearer(kViewerToken));
    EXPECT_EQ(wrong.status, 401);
    if (route.min_role == ApiRole::Anonymous) {
      EXPECT_NE(anonymous.status, 401);
      continue;
    }
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.json()["error"]["code"], "Unauthenticated");
    EXPECT_EQ(anonymous.json()["error"]["message"],
              std::string("this route needs \"Authorization: Bearer TOKEN\" of ") +
                  (route.min_role == ApiRole::Operator ? "an operator" : "a viewer"));
    EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer realm=\"rollguard\"");
    if (route.min_role == ApiRole::Operator) {
      EXPECT_EQ(viewer.status, 403);
      EXPECT_EQ(viewer.json()["error"]["code"], "Forbidden");
      EXPECT_THAT(viewer.json()["error"]["message"].get<std::string>(),
                  ::testing::StartsWith("\"vera\" is a viewer; "));
    } else {
      EXPECT_EQ(viewer.status, 200);
    }
  }
  EXPECT_EQ(mutating, 8);  // PUT, DELETE and six actions
  // None of the refused calls changed anything.
  EXPECT_EQ(service_.get("checkout")->state.phase, Phase::Progressing);
}

TEST_F(ApiAuthWalkTest, TheTokensNameIsTheActor) {
  ASSERT_EQ(as_operator("POST", "/v1/rollouts/checkout/pause").status, 200);
  const auto events = service_.history("checkout");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[1].event.kind, EventKind::ActionApplied);
  EXPECT_EQ(events[1].event.actor, "otto");
}

TEST(ApiListenTest, WithoutTokensOnlyLoopback) {
  MemoryRolloutService service;
  ApiOptions options;
  options.address = "0.0.0.0";
  options.port = 0;
  ApiServer server(service, options);
  auto error = server.start();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("without --tokens"), std::string::npos) << *error;
}

TEST(ApiListenTest, ABadTokensFileIsNamedWithItsLine) {
  ApiTempDir dir;
  MemoryRolloutService service;
  ApiOptions options;
  options.port = 0;
  options.tokens_file = dir.file("tokens.csv", "abc,alice,operator\nxyz,bob,root\n");
  ApiServer server(service, options);
  auto error = server.start();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("tokens.csv:2: unknown role \"root\""), std::string::npos) << *error;
}

TEST(ApiListenTest, WithoutTokensLoopbackCallersAreLocalOperators) {
  MemoryRolloutService service;
  ApiOptions options;
  options.port = 0;
  options.log_requests = false;
  ApiServer server(service, options);
  ASSERT_FALSE(server.start());
  const TestResponse r =
      request_once(server.port(), "PUT", "/v1/rollouts/checkout", manifest_yaml("checkout"),
                   {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(service.history("checkout").front().event.actor, "local");
}

}  // namespace
}  // namespace rollguard::testing
