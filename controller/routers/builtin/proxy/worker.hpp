#pragma once
// One I/O thread of the router with its own event loop. A client connection lives on one
// worker from accept to close, so everything here (the route cache, the weighted picker, the
// idle upstream connections) is touched by that thread only and needs no lock.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "controller/routers/builtin/proxy/router_core.hpp"
#include "controller/routers/builtin/proxy/weighted_picker.hpp"

namespace rollguard {

class Session;

// Sockets bound to the worker's own executor type: no type-erased executor on the hot path.
using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
using SteadyTime = std::chrono::steady_clock::time_point;

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
  std::optional<Socket> take_idle(std::uint32_t upstream);
  void give_back(std::uint32_t upstream, Socket socket);
  void add(Session* s) { sessions_.insert(s); }
  void remove(Session* s) { sessions_.erase(s); }
  void close_idle_sessions();

 private:
  void refresh();
  void sweep();

  RouterCore& core_;
  // Declared before io_: sessions still owned by queued handlers unregister themselves when
  // io_ is destroyed.
  std::unordered_set<Session*> sessions_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  // Indexed by UpstreamTarget::id; destroyed before io_.
  std::vector<std::vector<Socket>> idle_;
  // Timeouts are deadlines that sessions store and this one timer checks: no timer operation
  // per I/O step, at the price of a check interval of a fraction of the shortest timeout.
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                    boost::asio::wait_traits<std::chrono::steady_clock>,
                                    boost::asio::io_context::executor_type>
      sweeper_{io_.get_executor()};
  std::chrono::steady_clock::duration sweep_interval_;

  std::shared_ptr<const ActiveRoutes> routes_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  WeightedPicker picker_;
  std::array<std::size_t, 3> next_endpoint_{};

  std::thread thread_;
};

}  // namespace rollguard
