#pragma once
// An exclusive claim on a directory for as long as this process holds it: `serve` takes one on
// its data directory, so that a second server on the same data refuses to start instead of
// adopting the same rollouts (a split brain). flock(2) on DIR/rollguard.lock: the kernel drops
// it when the process dies, however it dies, so a crash never leaves a stale lock behind.
#include <string>
#include <variant>

namespace rollguard {

class DirectoryLock {
 public:
  // The lock, or why not: "DIR is in use by another rollguard (pid 1234)".
  static std::variant<DirectoryLock, std::string> acquire(const std::string& dir);
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&&) = delete;
  DirectoryLock(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace rollguard
