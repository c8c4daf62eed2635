#include "controller/os/directory_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rollguard {

std::variant<DirectoryLock, std::string> DirectoryLock::acquire(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "rollguard.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return path + ": " + std::strerror(errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error != EWOULDBLOCK) return path + ": " + std::strerror(error);
    std::stringstream holder;
    holder << std::ifstream(path).rdbuf();
    std::string pid = holder.str();
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return dir + " is in use by another rollguard" + (pid.empty() ? "" : " (pid " + pid + ")") +
           "; one server per data directory";
  }
  // Who holds it, for the message above; the lock itself is the flock, not this text.
  const std::string pid = std::to_string(::getpid()) + "\n";
  // Who holds it, for a refused server's message; the claim itself is the flock, so a failed
  // write costs only that message its pid.
  [[maybe_unused]] const bool noted =
      ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) >= 0;
  return DirectoryLock(fd);
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace rollguard
