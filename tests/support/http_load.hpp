#pragma once
// Steady GET / traffic through a router while a live test runs: from a few threads per port,
// each on a keep-alive connection of its own. A refused or reset connection is retried on a
// new one (it is what a failing canary or a killed server does to clients).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "support/test_http_client.hpp"

namespace rollguard::testing {

struct LoadOptions {
  int threads = 1;  // per port
  // Between an answer and the next request; with `paced`, between the starts of requests, on
  // a fixed schedule that does not wait for outcomes.
  std::chrono::milliseconds period{4};
  bool paced = false;
  std::chrono::seconds client_timeout{5};
  std::chrono::milliseconds retry_after{5};              // after a failed connection (unpaced)
  std::function<void(const TestResponse&)> on_answer{};  // called from the load's threads
};

class Load {
 public:
  Load(const std::vector<std::uint16_t>& ports, LoadOptions options)
      : options_(std::move(options)), started_(std::chrono::steady_clock::now()) {
    for (std::uint16_t port : ports)
      for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, port] { run(port); });
  }
  explicit Load(std::uint16_t port, LoadOptions options = {})
      : Load(std::vector<std::uint16_t>{port}, std::move(options)) {}
  ~Load() { stop(); }
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  void stop() {
    if (stop_.exchange(true)) return;
    for (std::thread& t : threads_) t.join();
    stopped_ = std::chrono::steady_clock::now();
  }
  // Answers per second from the start to stop().
  double rate() const {
    return double(answers_.load()) / std::chrono::duration<double>(stopped_ - started_).count();
  }

 private:
  void run(std::uint16_t port) {
    auto next = std::chrono::steady_clock::now();
    while (!stop_) {
      try {
        TestHttpClient client(port, options_.client_timeout);
        while (!stop_) {
          if (options_.paced) {
            std::this_thread::sleep_until(next);  // pacing, not waiting for an outcome
            next += options_.period;
          }
          const TestResponse response = client.get("/");
          ++answers_;
          if (options_.on_answer) options_.on_answer(response);
          if (!options_.paced) std::this_thread::sleep_for(options_.period);
        }
      } catch (const std::exception&) {
        if (options_.paced)
          next = std::chrono::steady_clock::now() + options_.period;  // reconnect at the next slot
        else
          std::this_thread::sleep_for(options_.retry_after);
      }
    }
  }

  const LoadOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<long> answers_{0};
  const std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point stopped_;
  std::vector<std::thread> threads_;
};

}  // namespace rollguard::testing
