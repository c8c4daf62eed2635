#pragma once
// A real child process for tests: started with posix_spawn, its stdout on a pipe that the
// test reads line by line with a deadline, killed and reaped by the destructor so that no
// test ever leaves one behind.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace rollguard::testing {

class ChildProcess {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { kill(); }

  // Starts argv[0] (a path) with stdout on a pipe; stderr is the test's. Empty on success,
  // else the reason.
  std::string start(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return std::string("pipe2: ") + std::strerror(errno);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
      ::close(pipe_fds[0]);
      pid_ = -1;
      return "posix_spawn " + argv[0] + ": " + std::strerror(rc);
    }
    stdout_fd_ = pipe_fds[0];
    return {};
  }

  pid_t pid() const { return pid_; }

  // The next line of the child's stdout, without its newline; nullopt at end of file or when
  // the deadline passes first.
  std::optional<std::string> read_line(Deadline deadline) {
    while (true) {
      if (auto newline = pending_.find('\n'); newline != std::string::npos) {
        std::string line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || stdout_fd_ < 0) return std::nullopt;
      pollfd fd{stdout_fd_, POLLIN, 0};
      if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[512];
      const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
      if (n <= 0) return std::nullopt;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  bool send_signal(int signal) { return pid_ > 0 && ::kill(pid_, signal) == 0; }

  // The wait status once the child has exited, polling until `deadline`; nullopt if it is
  // still running then.
  std::optional<int> wait_for_exit(Deadline deadline) {
    if (status_) return status_;
    while (pid_ > 0) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_ || (done < 0 && errno != EINTR)) {
        status_ = status;
        close_stdout();
        return status_;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

  // SIGKILL and reap, if it is still there.
  void kill() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      status_ = status;
    }
    close_stdout();
  }

 private:
  void close_stdout() {
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
  std::optional<int> status_;
};

inline ChildProcess::Deadline deadline_in(std::chrono::milliseconds from_now) {
  return std::chrono::steady_clock::now() + from_now;
}

}  // namespace rollguard::testing
