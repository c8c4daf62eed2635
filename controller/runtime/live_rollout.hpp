#pragma once
// One rollout driven for real in this process (`rollguard run`): the drivers the manifest
// names, the built-in router when it is the traffic layer, the router's outcomes feeding the
// builtin metrics, probes and analyses, all around one Reconciler on one strand.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controller/runtime/asio_waker.hpp"
#include "controller/runtime/rollout_runtime.hpp"

namespace rollguard {

class LiveRollout {
 public:
  LiveRollout(RolloutSpec spec, Reconciler::EventSink on_event);
  ~LiveRollout();

  // Starts the I/O threads, the router (when built in) and the rollout; an error when the
  // router cannot listen or a driver cannot be made.
  std::optional<std::string> start(const std::string& known_good);

  // Snapshot of the state, read on the strand.
  RolloutState state();
  bool settled();
  Plan plan();
  std::vector<TemplateProgress> analyses();
  MachineOutcome command(const OperatorCommand& command);

  // Stops every instance and the router, then the threads.
  void shutdown();

 private:
  template <class F>
  auto on_strand(F f) -> decltype(f());

  SystemClock clock_;
  boost::asio::io_context io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  // Keeps the threads running between events (timers and sockets come and go).
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::vector<std::thread> threads_;
  RolloutRuntime runtime_;
  bool stopped_ = false;
};

}  // namespace rollguard
