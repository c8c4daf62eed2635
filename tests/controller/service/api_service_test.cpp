// ctest: integration
// The HTTP API over the real service (SQLite store, strands): what the service refuses is
// answered as an error with its reason, and what it accepts is durable before the answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/service/api_server.hpp"
#include "controller/service/service_fixture.hpp"
#include "manifests/manifest_json.hpp"
#include "support/test_http_client.hpp"

namespace rollguard {
namespace {

using ::testing::HasSubstr;

class ApiOverTheService : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = testing::open_service(dir_);
    ASSERT_NE(service_, nullptr);
    ApiOptions options;
    options.port = 0;
    options.log_requests = false;
    server_ = std::make_unique<ApiServer>(*service_, options);
    ASSERT_EQ(server_->start(), std::nullopt);
  }
  void TearDown() override {
    server_->stop();
    service_->shutdown();
  }

  testing::TestResponse put(const RolloutSpec& spec) {
    testing::TestHttpClient c(server_->port());
    return c.request("PUT", "/v1/rollouts/" + spec.metadata.name, to_json(spec).dump(),
                     {{"Content-Type", "application/json"}});
  }

  testing::TempDir dir_{"api-service"};
  std::unique_ptr<LocalRolloutService> service_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiOverTheService, ARefusedApplyIsAConflictWithTheServicesReason) {
  const testing::TestResponse r =
      put(testing::service_spec("shop", "2.0.0", "[{pause: {}}]", false));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "Conflict");
  EXPECT_THAT(r.json()["error"]["message"].get<std::string>(),
              HasSubstr("no known-good version of shop is on record yet"));
  EXPECT_FALSE(service_->get("shop"));
}

TEST_F(ApiOverTheService, AnAcceptedApplyIsInTheStoreBeforeTheAnswer) {
  const testing::TestResponse r = put(testing::service_spec("shop", "2.0.0", "[{pause: {}}]"));
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(service_->history("shop").empty());
}

}  // namespace
}  // namespace rollguard
