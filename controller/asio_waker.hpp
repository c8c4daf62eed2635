#pragma once
// Live time: the system clock, and a Waker on an Asio timer. The only place below the CLI
// where real time is read; tests and the simulator use VirtualClock and their own Waker.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/system_timer.hpp>
#include <functional>

#include "controller/reconciler.hpp"

namespace rollguard {

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::floor<Duration>(std::chrono::system_clock::now());
  }
};

class AsioWaker final : public Waker {
 public:
  explicit AsioWaker(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {}

  void wake_at(TimePoint at, std::function<void()> fn) override {
    timer_.expires_at(at);  // cancels the previous wait
    timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();
    });
  }

 private:
  boost::asio::system_timer timer_;
};

}  // namespace rollguard
