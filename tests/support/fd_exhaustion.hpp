#pragma once
// For tests of what a server does when its process is out of file descriptors (EMFILE):
// lowers the soft RLIMIT_NOFILE of this process so that only the `spare` lowest free
// descriptors can still be opened, until restore() or the destructor. Forked children
// inherit the low limit; HeldConnections' child raises its own again.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace rollguard::testing {

class ExhaustedFdTable {
 public:
  explicit ExhaustedFdTable(int spare) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    // Descriptors are handed out lowest first, so after these `spare` ones every new one is
    // numbered at least their highest + 1, which the lowered limit refuses.
    std::vector<int> free;
    for (int i = 0; i < spare; ++i) free.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int highest = *std::max_element(free.begin(), free.end());
    for (int fd : free) ::close(fd);
    rlimit low = saved_;
    low.rlim_cur = static_cast<rlim_t>(highest + 1);
    lowered_ = ::setrlimit(RLIMIT_NOFILE, &low) == 0;
  }
  ~ExhaustedFdTable() { restore(); }
  ExhaustedFdTable(const ExhaustedFdTable&) = delete;
  ExhaustedFdTable& operator=(const ExhaustedFdTable&) = delete;

  bool lowered() const { return lowered_; }
  void restore() {
    if (lowered_) ::setrlimit(RLIMIT_NOFILE, &saved_);
    lowered_ = false;
  }

 private:
  rlimit saved_{};
  bool lowered_ = false;
};

// CPU time (user + system) this process has used so far, all threads.
inline std::chrono::microseconds process_cpu_time() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
  };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

}  // namespace rollguard::testing
