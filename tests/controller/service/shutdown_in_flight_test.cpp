// ctest: integration
// A graceful shutdown while hundreds of probes are in flight (issue 14: `serve` with 10,000
// rollouts died at shutdown when a probe completed after its rollout had stopped). Real
// sockets: every rollout probes one local HTTP server that answers slowly, so that whenever
// the service stops, completions are still on their way. Under ASan a completion that
// touches a stopped rollout is reported; the test also checks that nothing was lost.
#include <gtest/gtest.h>

#include "controller/service/service_fixture.hpp"
#include "tests/support/test_http_server.hpp"

namespace rollguard::testing {
namespace {

constexpr int kRollouts = 300;

RolloutSpec probed_spec(const std::string& name, const std::string& endpoint) {
  const std::string yaml = "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: " + name +
                           "}\nspec:\n"
                           "  stable: {version: \"1.0.0\"}\n"
                           "  canary: {version: \"1.1.0\"}\n"
                           "  target: {static: {stable: [\"" +
                           endpoint + "\"], canary: [\"" + endpoint +
                           "\"]}}\n"
                           "  traffic: {none: {}}\n"
                           "  strategy: {canary: {steps: [{setWeight: 50}, {pause: {}}]}}\n"
                           "  probes:\n"
                           "    - {name: alive, http: {path: /healthz}, interval: 100ms,"
                           " timeout: 5s, failureThreshold: 1000}\n";
  Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, name + ".yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
  return parsed.value.value_or(RolloutSpec{});
}

std::size_t paused(const RolloutService& service) {
  const auto all = service.list();
  return static_cast<std::size_t>(std::count_if(
      all.begin(), all.end(), [](const auto& s) { return s.state.phase == Phase::Paused; }));
}

TEST(ShutdownInFlight, StopsCleanlyWithHundredsOfProbesInFlightAndLosesNothing) {
  TestHttpServer app(2);
  Route slow;
  slow.behaviour = Behaviour::Slow;
  slow.delay = 50ms;  // at 100 ms intervals, about a third of the probes are in flight
  slow.reply = {200, "ok", {}};
  app.route("/healthz", slow);
  TempDir dir("shutdown-in-flight");
  {
    auto service = open_service(dir, 4);
    ASSERT_TRUE(service);
    for (int i = 0; i < kRollouts; ++i) {
      ApplyResult r = service->apply(probed_spec("r" + std::to_string(i), app.endpoint()), "t");
      ASSERT_EQ(r.error, ServiceError::None) << r.reason;
    }
    ASSERT_TRUE(eventually([&] { return paused(*service) == kRollouts; }, 60s));
    const int seen = app.requests_received();
    ASSERT_TRUE(eventually([&] { return app.requests_received() > seen + 2 * kRollouts; }, 60s));
    service->shutdown();
  }
  // Reopened: every rollout is where it was, paused at its second step.
  auto again = open_service(dir, 4);
  ASSERT_TRUE(again);
  EXPECT_EQ(paused(*again), static_cast<std::size_t>(kRollouts));
}

}  // namespace
}  // namespace rollguard::testing
