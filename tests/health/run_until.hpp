#pragma once
// Test helpers for asynchronous code: run an io_context until a callback has fired, and poll
// a condition with a generous deadline instead of sleeping for a guessed time.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

namespace rollguard::testing {

// Runs `io` on this thread until `start(done)` has called `done`; returns the value passed.
template <typename T>
T run_until_done(boost::asio::io_context& io,
                 const std::function<void(std::function<void(T)>)>& start) {
  std::optional<T> out;
  start([&out](T value) { out = std::move(value); });
  io.restart();
  while (!out && io.run_one() > 0) {
  }
  return std::move(*out);
}

// Polls a condition that another thread makes true; false after a generous deadline (a test
// waits that long only when it is about to fail).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

}  // namespace rollguard::testing
