// ctest: integration
// The split as clients see it: which backend answered, the role header, and the outcomes.
#include <gtest/gtest.h>

#include "controller/routers/builtin/proxy/router_fixture.hpp"

namespace rollguard::testing {
namespace {

struct SplitCase {
  std::string name;
  TrafficSplit split;
  bool preview_on = false;
  bool send_preview_header = false;
  int requests = 0;
  RoleCounts expected;
};

class RouterSplitTest : public ::testing::TestWithParam<SplitCase> {};

TEST_P(RouterSplitTest, RequestsGoWhereTheSplitSays) {
  const auto& c = GetParam();
  RouterHarness h;
  h.router.set_split(c.split, c.preview_on);
  // One kept-alive client connection: served by one worker, whose picker is exact.
  TestHttpClient client(h.router.port());
  ASSERT_TRUE(client.connect());
  RoleCounts answered;
  for (int i = 0; i < c.requests; ++i) {
    auto req = make_get("/item/" + std::to_string(i));
    if (c.send_preview_header) req.set("X-Rollguard-Preview", "1");
    const auto reply = client.exchange(req);
    ASSERT_EQ(reply.status, 200) << reply.error.message();
    ASSERT_EQ(reply.header("X-Rollguard-Role"), reply.body);
    answered[*parse_role(reply.body)]++;
  }
  EXPECT_EQ(answered, c.expected);
  for (Role r : kRoles) EXPECT_EQ(h.backend(r).requests(), c.expected[r]) << to_string(r);

  const auto outcomes = h.sink.outcomes();
  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(c.requests));
  RoleCounts recorded;
  for (const auto& o : outcomes) {
    recorded[o.role]++;
    EXPECT_EQ(o.status, 200);
    EXPECT_FALSE(o.connection_error);
    EXPECT_EQ(o.at, h.clock.now());
    EXPECT_GE(o.latency.count(), 0);
  }
  EXPECT_EQ(recorded, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Splits, RouterSplitTest,
    ::testing::Values(
        SplitCase{"all_stable", {100, 0, 0}, false, false, 100, {100, 0, 0}},
        SplitCase{"half_and_half", {50, 50, 0}, false, false, 1000, {500, 500, 0}},
        SplitCase{"canary_and_baseline", {80, 10, 10}, false, false, 200, {160, 20, 20}},
        SplitCase{"preview_header_reaches_canary", {100, 0, 0}, true, true, 20, {0, 20, 0}},
        SplitCase{"preview_header_ignored_when_off", {100, 0, 0}, false, true, 20, {20, 0, 0}},
        SplitCase{"no_header_follows_weights", {100, 0, 0}, true, false, 20, {20, 0, 0}}),
    [](const auto& info) { return info.param.name; });

TEST(RouterSplit, ManyClientConnectionsStillSplitByRequest) {
  RouterOptions options;
  options.threads = 2;
  RouterHarness h(options);
  h.router.set_split({50, 50, 0}, false);
  RoleCounts answered;
  for (int i = 0; i < 200; ++i) {
    const auto reply = exchange_once(h.router.port(), make_get());
    ASSERT_EQ(reply.status, 200);
    answered[*parse_role(reply.body)]++;
  }
  // Each of the two workers is exact on its own share: off by at most one per worker.
  EXPECT_NEAR(answered.stable, 100, 2);
  EXPECT_EQ(answered.stable + answered.canary, 200);
}

TEST(RouterSplit, RoutesReadBackWhatWasApplied) {
  RouterHarness h;
  h.router.set_split({70, 20, 10}, true);
  const auto table = h.router.routes();
  EXPECT_EQ(table.split, (TrafficSplit{70, 20, 10}));
  EXPECT_TRUE(table.preview);
  EXPECT_EQ(table.pool(Role::Canary), std::vector<std::string>{h.canary.address()});
  const auto before = table.generation;

  const auto error = h.router.set_pools(Role::Canary, {h.canary.address(), "nonsense"});
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("nonsense"), std::string::npos);
  EXPECT_EQ(h.router.routes().generation, before) << "a refused change changes nothing";
  EXPECT_EQ(h.router.routes().pool(Role::Canary), std::vector<std::string>{h.canary.address()});
}

}  // namespace
}  // namespace rollguard::testing
