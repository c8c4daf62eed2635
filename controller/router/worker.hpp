#pragma once
// One I/O thread of the router with its own event loop. A client connection lives on one
// worker from accept to close, so everything here (the route cache, the weighted picker, the
// idle upstream connections) is touched by that thread only and needs no lock.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "controller/router/router_core.hpp"
#include "controller/router/weighted_picker.hpp"

namespace rollguard {

class Session;

// Where one request goes. `target` is empty when the chosen role has no backend.
struct RouteChoice {
  Role role = Role::Stable;
  std::optional<UpstreamTarget> target;
};

class Worker {
 public:
  explicit Worker(RouterCore& core);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  boost::asio::io_context& io() { return io_; }
  RouterCore& core() { return core_; }
  void run();   // starts the thread
  void stop();  // stops the loop and joins the thread

  // ---- on this worker's thread only ----
  RouteChoice route(bool preview_requested);
  std::optional<boost::beast::tcp_stream> take_idle(std::uint32_t upstream);
  void give_back(std::uint32_t upstream, boost::beast::tcp_stream stream);
  void add(Session* s) { sessions_.insert(s); }
  void remove(Session* s) { sessions_.erase(s); }
  void close_idle_sessions();

 private:
  void refresh();

  RouterCore& core_;
  // Declared before io_: sessions still owned by queued handlers unregister themselves when
  // io_ is destroyed.
  std::unordered_set<Session*> sessions_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  // Indexed by UpstreamTarget::id; destroyed before io_.
  std::vector<std::vector<boost::beast::tcp_stream>> idle_;

  std::shared_ptr<const ActiveRoutes> routes_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  WeightedPicker picker_;
  std::array<std::size_t, 3> next_endpoint_{};

  std::thread thread_;
};

}  // namespace rollguard
