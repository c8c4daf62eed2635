#include "controller/service/webhook_sender.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "controller/service/log.hpp"
#include "controller/service/webhook_payload.hpp"
#include "health/net/http_fetch.hpp"

namespace rollguard {

namespace net = boost::asio;

namespace {

struct Delivery {
  WebhookSpec webhook;
  std::string rollout;
  int revision = 0;
  std::string canary_version;
  std::string body;
  std::string what;  // "checkout RolledBack", for the log
  std::string phase;
  int attempts = 0;
};

std::string outcome_reason(const Delivery& d, bool delivered, const std::string& why) {
  std::string attempts = std::to_string(d.attempts) + (d.attempts == 1 ? " attempt" : " attempts");
  if (delivered)
    return "webhook " + d.webhook.url + ": " + d.phase + " delivered (" + attempts + ")";
  return "webhook " + d.webhook.url + ": " + d.phase + " not delivered after " + attempts + ": " +
         why;
}

bool retryable(const FetchResult& r) {
  return !r.ok() || r.status >= 500 || r.status == 408 || r.status == 429;
}

}  // namespace

struct WebhookSender::Impl : std::enable_shared_from_this<Impl> {
  RolloutService* service = nullptr;  // subscribed to, when set
  WebhookOptions options;
  WebhookOutcome on_outcome;
  std::uint64_t subscription = 0;
  net::io_context io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  // Touched on the sender's thread only, except stats (read under the mutex).
  mutable std::mutex mutex;
  std::condition_variable idle;  // stats.pending fell to 0
  WebhookStats stats;
  std::map<std::string, std::deque<Delivery>> queues;  // by URL; the front is in flight
  bool stopped = false;

  Impl(WebhookOptions o, WebhookOutcome outcome)
      : options(std::move(o)), on_outcome(std::move(outcome)) {}

  // On the rollout's strand: counts and queues, nothing more.
  void on_event(const StoredEvent& e, const RolloutStatus& status) {
    if (!status.spec) return;
    for (const WebhookSpec& w : status.spec->notifications) {
      if (!webhook_wants(w, e)) continue;
      Delivery d{w,
                 e.rollout,
                 e.revision,
                 status.state.canaryVersion,
                 webhook_payload(w.format, e, status),
                 e.rollout + " " + std::string(to_string(e.event.phase)),
                 std::string(to_string(e.event.phase)),
                 0};
      {
        std::lock_guard lock(mutex);
        if (stopped) return;
        if (stats.pending >= options.queue_limit) {
          ++stats.dropped;
          log_line(LogLevel::Warn, "webhook queue full: notification dropped",
                   {{"event", d.what}, {"url", d.webhook.url}});
          continue;
        }
        ++stats.pending;
      }
      net::post(io, [weak = weak_from_this(), d = std::move(d)]() mutable {
        if (auto self = weak.lock()) self->enqueue(std::move(d));
      });
    }
  }

  void enqueue(Delivery d) {
    std::lock_guard lock(mutex);
    if (stopped) return;
    auto& queue = queues[d.webhook.url];
    queue.push_back(std::move(d));
    if (queue.size() == 1) send(queue.front());
  }

  // Called with the mutex held.
  void send(Delivery& d) {
    FetchRequest request;
    request.url = d.webhook.url;
    request.method = "POST";
    request.body = d.body;
    request.timeout = options.timeout;
    request.headers.emplace_back("Content-Type", "application/json");
    const MetricQuery query{d.rollout, d.canary_version, Role::Canary, {}};
    for (const auto& [name, value] : d.webhook.headers) {
      Expanded expanded = expand_template(value, query, &options.secrets);
      if (!expanded.ok()) {
        finish(d.webhook.url, false, "header " + name + ": " + expanded.error);
        return;
      }
      request.headers.emplace_back(name, expanded.text);
    }
    ++d.attempts;
    // Handlers hold the sender weakly: what is queued when it goes is dropped, not leaked.
    http_fetch(request, [weak = weak_from_this(), url = d.webhook.url](FetchResult r) {
      auto self = weak.lock();
      if (!self) return;
      net::post(self->io, [weak, url, r = std::move(r)] {
        if (auto self = weak.lock()) self->on_result(url, r);
      });
    });
  }

  void on_result(const std::string& url, const FetchResult& r) {
    std::lock_guard lock(mutex);
    auto it = queues.find(url);
    if (stopped || it == queues.end() || it->second.empty()) return;
    Delivery& d = it->second.front();
    if (r.ok() && r.status >= 200 && r.status < 300) return finish(url, true, {});
    const std::string why = r.ok() ? "HTTP " + std::to_string(r.status) : r.error;
    if (!retryable(r) || d.attempts >= options.max_attempts) return finish(url, false, why);
    ++stats.retries;
    Duration backoff = options.first_backoff;
    for (int i = 1; i < d.attempts && backoff < options.max_backoff; ++i) backoff *= 2;
    backoff = std::min(backoff, options.max_backoff);
    auto timer = std::make_shared<net::steady_timer>(io, backoff);
    timer->async_wait([weak = weak_from_this(), timer, url](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      std::lock_guard lock(self->mutex);
      auto q = self->queues.find(url);
      if (!self->stopped && q != self->queues.end() && !q->second.empty())
        self->send(q->second.front());
    });
  }

  // Called with the mutex held: the front delivery of `url` is done; the next one starts.
  void finish(const std::string& url, bool delivered, const std::string& why) {
    auto& queue = queues[url];
    const Delivery& d = queue.front();
    if (delivered) {
      ++stats.delivered;
    } else {
      ++stats.failed;
      log_line(
          LogLevel::Warn, "webhook not delivered",
          {{"event", d.what}, {"url", d.webhook.url}, {"attempts", d.attempts}, {"reason", why}});
    }
    if (on_outcome) {
      Event note;
      note.at = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
      note.kind = EventKind::Note;
      note.reason = outcome_reason(d, delivered, why);
      note.actor = "webhook";
      // Posted, so that it runs outside the lock: a rollout's log may notify again.
      net::post(io, [self = shared_from_this(), rollout = d.rollout, revision = d.revision,
                     note = std::move(note)] { self->on_outcome(rollout, revision, note); });
    }
    --stats.pending;
    if (stats.pending == 0) idle.notify_all();
    queue.pop_front();
    if (!queue.empty()) send(queue.front());
  }
};

WebhookSender::WebhookSender(WebhookOptions options, WebhookOutcome on_outcome)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(on_outcome))) {
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

WebhookSender::WebhookSender(RolloutService& service, WebhookOptions options,
                             WebhookOutcome on_outcome)
    : WebhookSender(std::move(options), std::move(on_outcome)) {
  impl_->service = &service;
  impl_->subscription = service.subscribe(
      [weak = std::weak_ptr<Impl>(impl_)](const StoredEvent& e, const RolloutStatus& s) {
        if (auto impl = weak.lock()) impl->on_event(e, s);
      });
}

void WebhookSender::notify(const StoredEvent& event, const RolloutStatus& status) {
  impl_->on_event(event, status);
}

bool WebhookSender::drain() {
  const auto until = std::chrono::steady_clock::now() + impl_->options.exit_grace;
  {
    std::unique_lock lock(impl_->mutex);
    if (!impl_->idle.wait_until(lock, until, [this] { return impl_->stats.pending == 0; }))
      return false;
  }
  // Outcomes are posted before the count falls: once this runs, they have all been handed over.
  auto handed_over = std::make_shared<std::promise<void>>();
  auto done = handed_over->get_future();
  net::post(impl_->io, [handed_over] { handed_over->set_value(); });
  return done.wait_until(until) == std::future_status::ready;
}

WebhookSender::~WebhookSender() {
  if (impl_->service) impl_->service->unsubscribe(impl_->subscription);
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopped = true;
    if (impl_->stats.pending > 0)
      log_line(LogLevel::Warn, "webhooks not sent before shutdown",
               {{"pending", impl_->stats.pending}});
  }
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
}

WebhookStats WebhookSender::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace rollguard
