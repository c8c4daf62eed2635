#pragma once
// What an end-to-end test of a live rollout needs around LiveRollout: a scratch directory for
// the demo app's per-version flag files, steady load through a router port, a wait for the
// rollout to settle, and a count of which versions answer through the router.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/runtime/live_rollout.hpp"
#include "controller/support/proxy_process.hpp"
#include "manifests/rollout_parser.hpp"
#include "support/port_block.hpp"
#include "support/test_http_client.hpp"

namespace rollguard::live_test {

// Sends GET / through `port` every few milliseconds until destroyed; a refused or reset
// connection is retried on a new one (it is what a failing canary does to clients).
class Load {
 public:
  explicit Load(std::uint16_t port) : thread_([this, port] { run(port); }) {}
  ~Load() {
    stop_ = true;
    thread_.join();
  }

 private:
  void run(std::uint16_t port) {
    while (!stop_) {
      try {
        testing::TestHttpClient client(port, std::chrono::seconds(5));
        while (!stop_) {
          client.get("/");
          std::this_thread::sleep_for(std::chrono::milliseconds(4));
        }
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The first of 20 ports for this test process's instances.
inline int port_range_start() {
  return testing::port_block(20).first;
}

inline RolloutSpec parse_spec(const std::string& yaml) {
  Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, "live.yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string() << "\n" << yaml;
  return parsed.value ? *parsed.value : RolloutSpec{};
}

// The events a rollout emitted, readable from the test thread while it runs.
class EventLog {
 public:
  Reconciler::EventSink sink(std::function<void(const Event&)> also = {}) {
    return [this, also](const Event& e, const RolloutState&) {
      if (also) also(e);
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    };
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  bool entered(Phase phase) const {
    for (const Event& e : events())
      if (e.kind == EventKind::PhaseChanged && e.phase == phase) return true;
    return false;
  }
  std::string dump() const {
    std::string text;
    for (const Event& e : events())
      text += std::string(to_string(e.phase)) + ": " + e.reason + "\n";
    return text;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Event> events_;
};

// Waits (with traffic through `router_port`) until `done(state)` or 90 s; the last state.
inline RolloutState run_until(LiveRollout& live, std::uint16_t router_port,
                              const std::function<bool(const RolloutState&)>& done) {
  Load load(router_port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  RolloutState s = live.state();
  while (std::chrono::steady_clock::now() < deadline && !done(s)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = live.state();
  }
  return s;
}

// Until terminal with every instance the terminal phase does not need gone.
inline RolloutState run_to_end(LiveRollout& live, std::uint16_t router_port) {
  return run_until(live, router_port,
                   [&](const RolloutState& s) { return is_terminal(s.phase) && live.settled(); });
}

// X-Version of `requests` answers through the router (errors counted as "error").
inline std::map<std::string, int> versions_served(std::uint16_t router_port, int requests) {
  std::map<std::string, int> seen;
  testing::TestHttpClient client(router_port, std::chrono::seconds(5));
  for (int i = 0; i < requests; ++i) {
    const auto response = client.get("/");
    ++seen[response.result_int() < 500 ? std::string(response["X-Version"]) : "error"];
  }
  return seen;
}

}  // namespace rollguard::live_test
