#pragma once
// Many client connections to a loopback port, held by a forked child so that they count
// against the child's file limit, not the test process's, where the server under test holds
// the other end of each. The child connects them one after another, sends `prefix` on each,
// then either waits (idle clients) or sends one more byte per connection every `trickle`
// (slowloris), and tells the test over a pipe how many it connected and how many the server
// has closed since. Between fork and _exit the child only makes system calls on memory set up
// before the fork: the test process has threads, so the child must not allocate or lock.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>

namespace rollguard::testing {

struct HeldConnectionsOptions {
  int count = 100;
  std::string prefix;  // written on each connection once it is connected; may be empty
  std::optional<std::chrono::milliseconds> trickle;  // then one 'a' per connection per period
};

class HeldConnections {
 public:
  HeldConnections(std::uint16_t port, HeldConnectionsOptions options);
  ~HeldConnections();  // SIGKILL and reap: the child's connections go with it
  HeldConnections(const HeldConnections&) = delete;
  HeldConnections& operator=(const HeldConnections&) = delete;

  // True once every connection is established (and its prefix written) within `within`;
  // otherwise error() says what went wrong.
  bool wait_connected(std::chrono::seconds within);
  // True once the server has closed every connection (end of file or reset) within `within`.
  bool wait_all_closed(std::chrono::seconds within);
  int connected() const { return connected_; }
  int closed() const { return closed_; }  // the last count the child reported
  const std::string& error() const { return error_; }

 private:
  void child_main(std::uint16_t port) noexcept;
  bool wait_for(std::chrono::seconds within, bool (*done)(const HeldConnections&));

  HeldConnectionsOptions options_;
  std::vector<pollfd> fds_;  // the child's, allocated before the fork
  pid_t pid_ = -1;
  int reports_ = -1;  // the read end of the child's pipe
  int connected_ = 0;
  int closed_ = 0;
  std::string error_;
};

}  // namespace rollguard::testing
