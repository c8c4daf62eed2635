#pragma once
// Ports for the instances a test starts from a `portRange` (process targets pick their own
// ports rather than binding port 0). ctest runs each test in its own process, so the process
// id spreads concurrent tests over 12,000 ports, and every block stays below 32768: above it,
// Linux hands out the local ports of outgoing connections, whose TIME_WAIT leftovers from
// other tests would now and then make a port of the range unbindable.
#include <unistd.h>

#include <utility>

namespace rollguard::testing {

// [first, last] of `size` ports, consecutive blocks for consecutive calls in one process.
inline std::pair<int, int> port_block(int size) {
  constexpr int kFirst = 20000, kEnd = 32000, kSlot = 40;
  static int next = kFirst + static_cast<int>(::getpid() % ((kEnd - kFirst) / kSlot)) * kSlot;
  if (next + size > kEnd) next = kFirst;
  const int first = next;
  next += size;
  return {first, first + size - 1};
}

}  // namespace rollguard::testing
