#include "controller/live_rollout.hpp"

#include <boost/asio/post.hpp>
#include <future>

#include "controller/builtin_traffic_router.hpp"
#include "controller/external_router.hpp"
#include "controller/target_factory.hpp"
#include "health/prometheus_provider.hpp"
#include "health/web_provider.hpp"

namespace rollguard {

LiveRollout::LiveRollout(RolloutSpec spec, Reconciler::EventSink on_event)
    : spec_(std::move(spec)), on_event_(std::move(on_event)), strand_(io_.get_executor()) {}

LiveRollout::~LiveRollout() {
  shutdown();
}

template <class F>
auto LiveRollout::on_strand(F f) -> decltype(f()) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  boost::asio::post(strand_, [&task] { task(); });
  return result.get();
}

std::optional<std::string> LiveRollout::start(const std::string& known_good) {
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });

  if (const auto* builtin = std::get_if<BuiltinRouter>(&spec_.traffic.router)) {
    router_server_ = std::make_unique<BuiltinRouterServer>(router_options(*builtin, spec_.traffic),
                                                           clock_, outcomes_);
    if (auto error = router_server_->start()) return "builtin router: " + *error;
    router_ = std::make_unique<BuiltinTrafficRouter>(*router_server_);
  } else {
    ExternalRouterOptions options;
    options.command.vars = {{"name", spec_.metadata.name}};
    router_ = make_external_router(spec_.traffic.router, strand_, options);
  }
  targets_ = make_target_driver(spec_, strand_);
  prober_ = std::make_unique<NetworkProber>(strand_);
  http_ = std::make_unique<HttpClient>(strand_);
  waker_ = std::make_unique<AsioWaker>(strand_);

  ReconcilerParts parts;
  parts.spec = &spec_;
  parts.clock = &clock_;
  parts.waker = waker_.get();
  parts.targets = targets_.get();
  parts.router = router_.get();
  parts.prober = prober_.get();
  parts.post = [this](std::function<void()> work) { boost::asio::post(strand_, std::move(work)); };
  parts.analysis.outcomes = router_server_ ? &outcomes_ : nullptr;
  synthetic_ = std::make_unique<HttpSyntheticRunner>(*http_);
  parts.analysis.synthetic = synthetic_.get();
  parts.analysis.preview_header = spec_.traffic.previewHeader;
  if (router_server_)
    parts.analysis.router_endpoint = "127.0.0.1:" + std::to_string(router_server_->port());
  parts.analysis.make_provider = [](const MetricSource& source) -> std::unique_ptr<MetricProvider> {
    if (const auto* p = std::get_if<PrometheusMetric>(&source))
      return std::make_unique<PrometheusProvider>(*p);
    return std::make_unique<WebProvider>(std::get<WebMetric>(source));
  };
  on_strand([&] {
    reconciler_ = std::make_unique<Reconciler>(std::move(parts), on_event_);
    reconciler_->start(known_good);
  });
  return std::nullopt;
}

RolloutState LiveRollout::state() {
  return on_strand([this] { return reconciler_->state(); });
}

bool LiveRollout::settled() {
  return on_strand([this] { return reconciler_->settled(); });
}

MachineOutcome LiveRollout::command(const OperatorCommand& command) {
  return on_strand([&] { return reconciler_->command(command); });
}

void LiveRollout::shutdown() {
  if (stopped_ || threads_.empty()) return;
  stopped_ = true;
  if (targets_) {
    std::promise<void> gone;
    on_strand([&] {
      reconciler_.reset();  // no more acting on reports
      targets_->shutdown([&gone] { gone.set_value(); });
    });
    gone.get_future().wait();
  }
  if (router_server_) router_server_->drain_and_stop(2s);
  work_.reset();
  io_.stop();
  for (std::thread& t : threads_) t.join();
}

}  // namespace rollguard
