#pragma once
// Live time: the system clock, and a Waker on an Asio timer. The only place below the CLI
// where real time is read; tests and the simulator use VirtualClock and their own Waker.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/system_timer.hpp>
#include <functional>
#include <memory>

#include "controller/runtime/reconciler.hpp"

namespace rollguard {

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::floor<Duration>(std::chrono::system_clock::now());
  }
};

class AsioWaker final : public Waker {
 public:
  // How late a wake-up ran after its due time: the control loop's lag (`serve` measures it).
  using LagObserver = std::function<void(Duration late)>;

  explicit AsioWaker(boost::asio::any_io_executor executor, LagObserver on_lag = {})
      : timer_(std::move(executor)), on_lag_(std::move(on_lag)) {}
  ~AsioWaker() override { cancel(); }

  void wake_at(TimePoint at, std::function<void()> fn) override {
    timer_.expires_at(at);  // cancels the previous wait
    // The observer is copied and `armed` shared: the handler may run after this waker is
    // gone, or be already queued when the wait is cancelled.
    timer_.async_wait([on_lag = on_lag_, armed = armed_, at,
                       fn = std::move(fn)](const boost::system::error_code& ec) {
      if (ec || !*armed) return;
      if (on_lag) on_lag(std::max(Duration{0}, SystemClock().now() - at));
      fn();
    });
  }

  void cancel() override {
    *armed_ = false;
    armed_ = std::make_shared<bool>(true);
    timer_.cancel();
  }

 private:
  boost::asio::system_timer timer_;
  LagObserver on_lag_;
  std::shared_ptr<bool> armed_ = std::make_shared<bool>(true);
};

}  // namespace rollguard
