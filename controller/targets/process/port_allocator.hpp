#pragma once
// Ports for process instances from the manifest's portRange: never one that another instance
// of ours holds, never one that something on this machine already listens on (tried with a
// bind), and round-robin through the range so that a port just given back is not handed out
// again at once (a late request for the old instance must not reach the new one).
#include <optional>
#include <set>

namespace rollguard {

class PortAllocator {
 public:
  PortAllocator(int first, int last);

  // A free port, held until release(); nullopt when every port in the range is taken.
  std::optional<int> acquire();
  void release(int port);

  int first() const { return first_; }
  int last() const { return last_; }
  std::size_t held() const { return held_.size(); }

 private:
  int first_, last_, next_;
  std::set<int> held_;
};

// Whether a TCP socket can bind `port` on every IPv4 address right now. Something listening
// on any address of that port (or on [::] dual-stack) makes it fail.
bool port_is_free(int port);

}  // namespace rollguard
