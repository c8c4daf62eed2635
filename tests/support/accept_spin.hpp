#pragma once
// What a server's accept loop costs while its process is out of file descriptors: with the
// table full (ExhaustedFdTable) and five connections waiting in the listen queue of `port`,
// the CPU time this process spends over `window`. A measuring window, not a wait for a
// state: every accept fails with EMFILE meanwhile. A loop that retries at once burns a core
// (as much of one as the scheduler gives it); one that waits between tries uses next to
// nothing. The table is restored before this returns; the queued connections stay open.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/fd_exhaustion.hpp"
#include "support/held_connections.hpp"

namespace rollguard::testing {

struct AcceptSpin {
  std::string error;  // empty when measured
  std::chrono::microseconds cpu{0};
  std::unique_ptr<HeldConnections> queued;  // accepted, in order, once descriptors are back
};

inline AcceptSpin cpu_while_accepts_fail(std::uint16_t port, std::chrono::microseconds window) {
  using namespace std::chrono_literals;
  AcceptSpin out;
  ExhaustedFdTable full(2);  // the two for HeldConnections' pipe
  if (!full.lowered()) {
    out.error = "could not lower RLIMIT_NOFILE";
    return out;
  }
  HeldConnectionsOptions waiting;
  waiting.count = 5;
  out.queued = std::make_unique<HeldConnections>(port, waiting);
  if (!out.queued->wait_connected(30s)) {  // in the kernel's listen queue
    out.error = out.queued->error();
    return out;
  }
  const auto cpu_before = process_cpu_time();
  std::this_thread::sleep_for(window);
  out.cpu = process_cpu_time() - cpu_before;
  full.restore();
  return out;
}

}  // namespace rollguard::testing
