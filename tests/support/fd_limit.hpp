#pragma once
// Tests that hold thousands of sockets raise the soft RLIMIT_NOFILE of their process to the
// hard limit for as long as they run (children forked meanwhile inherit it), and skip with a
// reason when even the hard limit is too low.
#include <sys/resource.h>

#include <cstddef>
#include <optional>
#include <string>

namespace rollguard::testing {

class RaisedFdLimit {
 public:
  // Raises the soft limit to the hard one when that gives at least `needed` descriptors.
  explicit RaisedFdLimit(std::size_t needed) {
    if (::getrlimit(RLIMIT_NOFILE, &saved_) != 0) {
      problem_ = "getrlimit(RLIMIT_NOFILE) failed";
      return;
    }
    if (saved_.rlim_max != RLIM_INFINITY && saved_.rlim_max < needed) {
      problem_ = "needs " + std::to_string(needed) +
                 " file descriptors, but the hard RLIMIT_NOFILE is " +
                 std::to_string(saved_.rlim_max) + " (raise it with ulimit -Hn or limits.conf)";
      return;
    }
    rlimit raised = saved_;
    raised.rlim_cur = saved_.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      problem_ = "setrlimit(RLIMIT_NOFILE) to the hard limit failed";
      return;
    }
    raised_ = true;
  }
  ~RaisedFdLimit() {
    if (raised_) ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  RaisedFdLimit(const RaisedFdLimit&) = delete;
  RaisedFdLimit& operator=(const RaisedFdLimit&) = delete;

  // Why the test cannot run; nullopt when the limit is high enough.
  const std::optional<std::string>& problem() const { return problem_; }

 private:
  rlimit saved_{};
  bool raised_ = false;
  std::optional<std::string> problem_;
};

}  // namespace rollguard::testing
