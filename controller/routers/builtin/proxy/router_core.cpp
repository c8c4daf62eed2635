#include "controller/routers/builtin/proxy/router_core.hpp"

namespace rollguard {

RouterCore::RouterCore(RouterOptions options, const Clock& clock, OutcomeSink& sink)
    : options_(std::move(options)),
      clock_(clock),
      sink_(sink),
      active_(std::make_shared<ActiveRoutes>()) {}

std::optional<std::string> RouterCore::set_pools(Role role,
                                                 const std::vector<std::string>& endpoints) {
  // Resolve outside the lock: a slow DNS answer must not hold up other configuration.
  std::vector<boost::asio::ip::tcp::endpoint> resolved;
  resolved.reserve(endpoints.size());
  for (const auto& text : endpoints) {
    auto r = resolve_endpoint(text);
    if (auto* error = std::get_if<std::string>(&r)) return "endpoint " + *error;
    resolved.push_back(std::get<boost::asio::ip::tcp::endpoint>(r));
  }
  std::lock_guard lock(config_mutex_);
  auto next = std::make_shared<ActiveRoutes>(*active_);
  const auto i = static_cast<std::size_t>(role);
  next->table.pools[i] = endpoints;
  next->targets[i].clear();
  for (std::size_t k = 0; k < endpoints.size(); ++k) {
    const auto [it, inserted] =
        ids_.try_emplace(endpoints[k], static_cast<std::uint32_t>(ids_.size()));
    next->targets[i].push_back(UpstreamTarget{resolved[k], it->second});
  }
  publish(std::move(next));
  return std::nullopt;
}

void RouterCore::set_split(const TrafficSplit& split, bool preview) {
  std::lock_guard lock(config_mutex_);
  auto next = std::make_shared<ActiveRoutes>(*active_);
  next->table.split = split;
  next->table.preview = preview;
  publish(std::move(next));
}

void RouterCore::publish(std::shared_ptr<ActiveRoutes> next) {
  next->table.generation = generation_.load() + 1;
  active_ = std::move(next);
  generation_.store(active_->table.generation, std::memory_order_release);
}

ProxyRouteTable RouterCore::routes() const {
  std::lock_guard lock(config_mutex_);
  return active_->table;
}

std::shared_ptr<const ActiveRoutes> RouterCore::active() const {
  std::lock_guard lock(config_mutex_);
  return active_;
}

void RouterCore::record(Role role, int status, Duration latency, bool connection_error) {
  RequestOutcome outcome;
  outcome.role = role;
  outcome.at = clock_.now();
  outcome.status = status;
  outcome.latency = latency;
  outcome.connection_error = connection_error;
  std::lock_guard lock(sink_mutex_);
  sink_.record(outcome);
}

void RouterCore::end_request() {
  // The lock pairs with wait_idle's predicate check so the wake-up cannot be lost.
  if (busy_.fetch_sub(1) == 1 && draining()) {
    std::lock_guard lock(idle_mutex_);
    idle_cv_.notify_all();
  }
}

bool RouterCore::wait_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(idle_mutex_);
  return idle_cv_.wait_until(lock, deadline, [&] { return busy_.load() == 0; });
}

}  // namespace rollguard
