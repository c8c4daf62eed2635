#include "controller/routers/builtin/proxy/worker.hpp"

#include <algorithm>

#include "controller/routers/builtin/proxy/session.hpp"

namespace rollguard {

namespace {

std::chrono::steady_clock::duration sweep_interval(const RouterOptions& o) {
  const auto shortest = std::min({o.headerTimeout, o.idleTimeout, o.upstreamTimeout});
  return std::clamp<std::chrono::steady_clock::duration>(shortest / 8, 5ms, 1s);
}

}  // namespace

Worker::Worker(RouterCore& core) : core_(core), sweep_interval_(sweep_interval(core.options())) {}

Worker::~Worker() {
  stop();
  idle_.clear();
}

void Worker::run() {
  guard_.emplace(io_.get_executor());
  sweep();
  thread_ = std::thread([this] { io_.run(); });
}

void Worker::stop() {
  guard_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::refresh() {
  const auto generation = core_.generation();
  if (generation == generation_) return;
  routes_ = core_.active();
  generation_ = routes_->table.generation;
  picker_ = WeightedPicker(routes_->table.split);
  next_endpoint_ = {};
  // Idle connections to backends that left every pool would never be used again.
  std::vector<bool> live(idle_.size(), false);
  for (const auto& pool : routes_->targets)
    for (const auto& t : pool)
      if (t.id < live.size()) live[t.id] = true;
  for (std::size_t id = 0; id < idle_.size(); ++id)
    if (!live[id]) idle_[id].clear();
}

RouteChoice Worker::route(bool preview_requested) {
  refresh();
  RouteChoice choice;
  choice.role = preview_requested && routes_->table.preview ? Role::Canary : picker_.next();
  const auto& pool = routes_->targets_of(choice.role);
  if (!pool.empty()) {
    auto& next = next_endpoint_[static_cast<std::size_t>(choice.role)];
    choice.target = pool[next % pool.size()];
    ++next;
  }
  return choice;
}

void Worker::sweep() {
  sweeper_.expires_after(sweep_interval_);
  sweeper_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    const std::vector<Session*> all(sessions_.begin(), sessions_.end());
    for (auto* s : all) s->check_deadlines(now);
    sweep();
  });
}

std::optional<Socket> Worker::take_idle(std::uint32_t upstream) {
  if (upstream >= idle_.size() || idle_[upstream].empty()) return std::nullopt;
  std::optional<Socket> s(std::move(idle_[upstream].back()));
  idle_[upstream].pop_back();
  return s;
}

void Worker::give_back(std::uint32_t upstream, Socket stream) {
  if (upstream >= idle_.size()) idle_.resize(upstream + 1);
  auto& pool = idle_[upstream];
  if (pool.size() < core_.options().maxIdlePerUpstream) pool.push_back(std::move(stream));
}

void Worker::close_idle_sessions() {
  // Copy: closing may not erase synchronously, but stay safe if it ever does.
  const std::vector<Session*> all(sessions_.begin(), sessions_.end());
  for (auto* s : all) s->on_drain();
}

}  // namespace rollguard
