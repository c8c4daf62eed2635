// ctest: integration
// Webhooks delivered to a real local HTTP server: the events a manifest asks for, in order,
// JSON or Slack-shaped, retried with backoff after 5xx, given up after a 4xx, never blocking
// the event that caused them.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "controller/service/webhook_sender.hpp"
#include "tests/health/run_until.hpp"
#include "tests/support/memory_rollout_service.hpp"
#include "tests/support/test_http_server.hpp"

namespace rollguard::testing {
namespace {

RolloutSpec spec_with_hook(const std::string& url, WebhookFormat format, std::vector<Phase> events,
                           StringMap headers = {}) {
  RolloutSpec spec;
  spec.metadata.name = "checkout";
  spec.stable = "1.0.0";
  spec.canary = "2.0.0";
  spec.notifications.push_back(WebhookSpec{url, std::move(events), format, std::move(headers)});
  return spec;
}

WebhookOptions fast_options() {
  WebhookOptions o;
  o.first_backoff = 1ms;
  o.max_backoff = 8ms;
  o.max_attempts = 4;
  o.timeout = 5s;
  o.secrets = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOOK_TOKEN") return "s3cret";
    return std::nullopt;
  };
  return o;
}

TEST(WebhookSenderTest, SendsTheListedPhasesAsJsonInOrder) {
  TestHttpServer receiver;
  receiver.answer("/hook", 200);
  MemoryRolloutService service;
  WebhookSender sender(service, fast_options());
  service.apply(spec_with_hook("http://" + receiver.endpoint() + "/hook", WebhookFormat::Json,
                               {Phase::Progressing, Phase::RollingBack, Phase::RolledBack},
                               {{"Authorization", "Bearer {{secret:HOOK_TOKEN}}"}}),
                "otto");
  service.move_to("checkout", Phase::Paused, "step pause");  // not listed
  service.move_to("checkout", Phase::RollingBack, "errors over 2%");
  service.move_to("checkout", Phase::RolledBack, "known-good serves");
  ASSERT_TRUE(eventually([&] { return sender.stats().delivered == 3; }));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::vector<std::string> phases{"Progressing", "RollingBack", "RolledBack"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(requests[i].method, "POST");
    EXPECT_EQ(requests[i].headers.at("authorization"), "Bearer s3cret");
    EXPECT_EQ(requests[i].headers.at("content-type").rfind("application/json", 0), 0u);
    const auto body = nlohmann::json::parse(requests[i].body);
    EXPECT_EQ(body["rollout"], "checkout");
    EXPECT_EQ(body["phase"], phases[i]);
  }
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["reason"], "errors over 2%");
}

TEST(WebhookSenderTest, SlackFormatIsATextMessage) {
  TestHttpServer receiver;
  receiver.answer("/slack", 200);
  MemoryRolloutService service;
  WebhookSender sender(service, fast_options());
  service.apply(spec_with_hook("http://" + receiver.endpoint() + "/slack", WebhookFormat::Slack,
                               {Phase::Failed}),
                "otto");
  service.move_to("checkout", Phase::Failed, "router unreachable");
  ASSERT_TRUE(eventually([&] { return sender.stats().delivered == 1; }));
  const auto body = nlohmann::json::parse(receiver.requests().at(0).body);
  ASSERT_EQ(body.size(), 1u);
  const std::string text = body["text"];
  EXPECT_NE(text.find("checkout"), std::string::npos) << text;
  EXPECT_NE(text.find("Failed"), std::string::npos) << text;
  EXPECT_NE(text.find("router unreachable"), std::string::npos) << text;
}

struct RetryCase {
  std::string name;
  std::vector<int> statuses;  // answered in turn, the last one from then on
  std::uint64_t delivered, failed, retries;
  int requests;
};

class WebhookRetryTest : public ::testing::TestWithParam<RetryCase> {};

TEST_P(WebhookRetryTest, RetriesServerErrorsOnly) {
  const RetryCase& c = GetParam();
  TestHttpServer receiver;
  auto calls = std::make_shared<std::atomic<int>>(0);
  Route route;
  route.handler = [calls, statuses = c.statuses](const ServerRequest&) {
    const int n = (*calls)++;
    return ServerReply{statuses[std::min<std::size_t>(n, statuses.size() - 1)], {}, {}};
  };
  receiver.route("/hook", route);
  MemoryRolloutService service;
  WebhookSender sender(service, fast_options());
  service.apply(spec_with_hook("http://" + receiver.endpoint() + "/hook", WebhookFormat::Json,
                               {Phase::Succeeded}),
                "otto");
  service.move_to("checkout", Phase::Succeeded, "all steps passed");
  ASSERT_TRUE(eventually([&] { return sender.stats().pending == 0; }));
  const WebhookStats s = sender.stats();
  EXPECT_EQ(s.delivered, c.delivered);
  EXPECT_EQ(s.failed, c.failed);
  EXPECT_EQ(s.retries, c.retries);
  EXPECT_EQ(receiver.requests_received(), c.requests);
}

INSTANTIATE_TEST_SUITE_P(Statuses, WebhookRetryTest,
                         ::testing::Values(RetryCase{"FirstTime", {200}, 1, 0, 0, 1},
                                           RetryCase{"AfterTwo500s", {500, 503, 204}, 1, 0, 2, 3},
                                           RetryCase{"After429", {429, 200}, 1, 0, 1, 2},
                                           RetryCase{"GivesUpAfterMaxAttempts", {500}, 0, 1, 3, 4},
                                           RetryCase{"NoRetryOn404", {404}, 0, 1, 0, 1}),
                         [](const auto& info) { return info.param.name; });

TEST(WebhookSenderTest, AnUnreachableHookDoesNotBlockTheRollout) {
  // Nothing listens on the hook's port; the events are recorded at once all the same.
  const std::string url = "http://127.0.0.1:1/hook";
  MemoryRolloutService service;
  WebhookOptions options = fast_options();
  options.max_attempts = 2;
  WebhookSender sender(service, options);
  service.apply(spec_with_hook(url, WebhookFormat::Json, {Phase::Paused, Phase::Progressing}),
                "otto");
  for (int i = 0; i < 50; ++i) {
    service.move_to("checkout", Phase::Paused, "pause");
    service.move_to("checkout", Phase::Progressing, "resume");
  }
  EXPECT_EQ(service.history("checkout").size(), 101u);
  ASSERT_TRUE(eventually([&] { return sender.stats().pending == 0; }));
  EXPECT_EQ(sender.stats().failed, 101u);
}

TEST(WebhookSenderTest, AMissingSecretFailsWithoutSending) {
  TestHttpServer receiver;
  receiver.answer("/hook", 200);
  MemoryRolloutService service;
  WebhookSender sender(service, fast_options());
  service.apply(spec_with_hook("http://" + receiver.endpoint() + "/hook", WebhookFormat::Json,
                               {Phase::Progressing}, {{"X-Token", "{{secret:NOT_SET}}"}}),
                "otto");
  ASSERT_TRUE(eventually([&] { return sender.stats().pending == 0; }));
  EXPECT_EQ(sender.stats().failed, 1u);
  EXPECT_EQ(receiver.requests_received(), 0);
}

// What became of each delivery comes back as a Note for the rollout's log, once drain() says
// nothing is left; Failed is one of the phases sent.
TEST(WebhookSenderTest, EachOutcomeIsANoteForTheRolloutAndDrainWaitsForThem) {
  TestHttpServer receiver;
  receiver.answer("/hook", 200);
  receiver.answer("/gone", 410);
  MemoryRolloutService service;
  std::mutex mutex;
  std::vector<std::pair<int, Event>> notes;
  WebhookSender sender(service, fast_options(),
                       [&](const std::string& rollout, int revision, const Event& note) {
                         EXPECT_EQ(rollout, "checkout");
                         std::lock_guard lock(mutex);
                         notes.emplace_back(revision, note);
                       });
  RolloutSpec spec = spec_with_hook("http://" + receiver.endpoint() + "/hook", WebhookFormat::Json,
                                    {Phase::Failed});
  spec.notifications.push_back(
      WebhookSpec{"http://" + receiver.endpoint() + "/gone", {Phase::Failed}, {}, {}});
  service.apply(spec, "otto");
  service.move_to("checkout", Phase::Failed, "the known-good version did not come back");
  ASSERT_TRUE(sender.drain());
  std::lock_guard lock(mutex);
  ASSERT_EQ(notes.size(), 2u);
  std::vector<std::string> reasons;
  for (const auto& [revision, note] : notes) {
    EXPECT_EQ(revision, 1);
    EXPECT_EQ(note.kind, EventKind::Note);
    EXPECT_EQ(note.actor, "webhook");
    reasons.push_back(note.reason);
  }
  std::sort(reasons.begin(), reasons.end());
  EXPECT_EQ(reasons[0], "webhook http://" + receiver.endpoint() +
                            "/gone: Failed not delivered after 1 attempt: HTTP 410");
  EXPECT_EQ(reasons[1],
            "webhook http://" + receiver.endpoint() + "/hook: Failed delivered (1 attempt)");
  for (const auto& request : receiver.requests())
    EXPECT_EQ(nlohmann::json::parse(request.body)["phase"], "Failed");
}

}  // namespace
}  // namespace rollguard::testing
