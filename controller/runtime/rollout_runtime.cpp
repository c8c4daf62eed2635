#include "controller/runtime/rollout_runtime.hpp"

#include <boost/asio/post.hpp>

#include "controller/routers/builtin/proxy/builtin_router_server.hpp"
#include "controller/routers/router_registry.hpp"
#include "controller/runtime/asio_waker.hpp"
#include "controller/runtime/guarded_drivers.hpp"
#include "controller/targets/target_registry.hpp"
#include "health/providers/metric_provider_registry.hpp"

namespace rollguard {

RolloutRuntime::RolloutRuntime(std::shared_ptr<const RolloutSpec> spec,
                               boost::asio::any_io_executor strand, const Clock& clock,
                               Reconciler::Recorder record, MeasurementSink on_measurement)
    : spec_(std::move(spec)),
      strand_(std::move(strand)),
      clock_(clock),
      record_(std::move(record)),
      on_measurement_(std::move(on_measurement)) {}

RolloutRuntime::~RolloutRuntime() = default;

std::optional<std::string> RolloutRuntime::prepare(RolloutRuntime* predecessor) {
  const auto* builtin = std::get_if<BuiltinRouter>(&spec_->traffic.router);
  if (builtin && !builtin->admin.empty()) {
    // A standalone router: configured over its admin API, its outcomes fetched from it.
    remote_outcomes_ = std::make_unique<RemoteOutcomeReader>(builtin->admin, strand_);
    remote_outcomes_->start();
  } else if (builtin) {
    const auto* before =
        predecessor ? std::get_if<BuiltinRouter>(&predecessor->spec_->traffic.router) : nullptr;
    if (before && before->listen == builtin->listen && predecessor->router_server_ &&
        !predecessor->running()) {
      router_server_ = std::move(predecessor->router_server_);
      outcomes_ = std::move(predecessor->outcomes_);
    } else {
      outcomes_ = std::make_unique<OutcomeWindow>();
      router_server_ = std::make_unique<BuiltinRouterServer>(
          router_options(*builtin, spec_->traffic), clock_, *outcomes_);
      if (auto error = router_server_->start()) {
        router_server_.reset();
        return "builtin router: " + *error;
      }
    }
  }
  RouterDriverContext routing{strand_, router_server_.get(), {}};
  routing.options.command.vars = {{"name", spec_->metadata.name}};
  routing.options.remote.rollout = spec_->metadata.name;
  router_ = make_router_driver(spec_->traffic.router, std::move(routing));
  targets_ = make_target_driver(*spec_, strand_);
  if (guard_) {
    router_ = std::make_unique<GuardedRouter>(std::move(router_), guard_);
    targets_ = std::make_unique<GuardedTargets>(std::move(targets_), guard_);
  }
  prober_ = std::make_unique<NetworkProber>(strand_);
  http_ = std::make_unique<HttpClient>(strand_);
  waker_ = std::make_unique<AsioWaker>(strand_, on_lag_);

  ReconcilerParts parts;
  parts.spec = spec_.get();
  parts.clock = &clock_;
  parts.waker = waker_.get();
  parts.targets = targets_.get();
  parts.router = router_.get();
  parts.prober = prober_.get();
  parts.post = [strand = strand_](std::function<void()> work) {
    boost::asio::post(strand, std::move(work));
  };
  parts.analysis.outcomes = router_server_     ? static_cast<const OutcomeSource*>(outcomes_.get())
                            : remote_outcomes_ ? remote_outcomes_.get()
                                               : nullptr;
  synthetic_ = std::make_unique<HttpSyntheticRunner>(*http_);
  parts.analysis.synthetic = synthetic_.get();
  parts.analysis.preview_header = spec_->traffic.previewHeader;
  parts.analysis.on_measurement = on_measurement_;
  if (router_server_)
    parts.analysis.router_endpoint = "127.0.0.1:" + std::to_string(router_server_->port());
  if (remote_outcomes_) parts.analysis.router_endpoint = builtin->listen;
  parts.analysis.make_provider = make_metric_provider;
  parts.record_retry = record_retry_;
  reconciler_ = std::make_unique<Reconciler>(std::move(parts), record_);
  return std::nullopt;
}

void RolloutRuntime::start(const std::string& known_good) {
  reconciler_->start(known_good);
}

void RolloutRuntime::resume(const RolloutState& state) {
  reconciler_->resume(state);
}

void RolloutRuntime::stop(bool teardown, std::function<void()> done) {
  reconciler_.reset();       // no more acting on reports, timers or completions
  remote_outcomes_.reset();  // nor polling a standalone router for them
  if (teardown && targets_) return targets_->shutdown(std::move(done));
  done();
}

void RolloutRuntime::drain_router(Duration grace) {
  if (router_server_) router_server_->drain_and_stop(grace);
}

}  // namespace rollguard
