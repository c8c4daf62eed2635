#pragma once
// Shared by the target driver tests: an io_context driven until a condition holds (with a
// generous deadline, never a guessed sleep), the reports a driver sends, and the questions
// tests ask about real processes.
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controller/ports/target_driver.hpp"

namespace rollguard::testing {

class DriverLoop {
 public:
  // Runs the loop until `condition` holds or `deadline` passes; returns the condition.
  bool run_until(const std::function<bool()>& condition,
                 std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!condition()) {
      if (std::chrono::steady_clock::now() >= until) return false;
      io.restart();
      if (io.run_for(std::chrono::milliseconds(10)) == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));  // nothing queued yet
    }
    return true;
  }

  void watch(TargetDriver& driver) {
    driver.on_report([this](const TargetReport& r) { reports.push_back(r); });
  }

  // The first report (from `from` on) for `role` that satisfies `match`.
  const TargetReport* find(Role role, const std::function<bool(const TargetReport&)>& match,
                           std::size_t from = 0) const {
    for (std::size_t i = from; i < reports.size(); ++i)
      if (reports[i].role == role && match(reports[i])) return &reports[i];
    return nullptr;
  }

  // Waits for such a report.
  const TargetReport* wait_for(Role role, const std::function<bool(const TargetReport&)>& match,
                               std::size_t from = 0,
                               std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    run_until([&] { return find(role, match, from) != nullptr; }, deadline);
    return find(role, match, from);
  }

  // Orderly shutdown; true when `done` was called.
  bool shut_down(TargetDriver& driver) {
    bool done = false;
    driver.shutdown([&done] { done = true; });
    return run_until([&] { return done; });
  }

  boost::asio::io_context io;
  std::vector<TargetReport> reports;
};

// Gone and reaped: kill(pid, 0) finds no such process (a zombie would still be found).
inline bool process_gone(pid_t pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

inline bool has_failure(const TargetReport& r) {
  return !r.failure.empty();
}

}  // namespace rollguard::testing
