#pragma once
// The real `rollguard serve` binary for a test: started on a data directory (or a PostgreSQL
// database, when `data_dir` is a postgresql:// URI) with its output
// in a log file (a pipe nobody drains could block it), its API port read back from the
// "listening on" line, killed with SIGKILL or stopped with SIGTERM, and reaped.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace rollguard::testing {

class ServeProcess {
 public:
  // `extra`: more flags after the store's (e.g. --replica).
  ServeProcess(std::string data_dir, std::string log_file, std::vector<std::string> extra = {})
      : data_dir_(std::move(data_dir)), log_file_(std::move(log_file)), extra_(std::move(extra)) {}
  ~ServeProcess() { kill(); }
  ServeProcess(const ServeProcess&) = delete;

  // Starts the server; empty on success, else why not.
  std::string start() {
    std::ofstream(log_file_, std::ios::app) << "---- start\n";
    log_offset_ = log_size();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file_.c_str(),
                                     O_WRONLY | O_APPEND | O_CREAT, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const bool postgresql = data_dir_.starts_with("postgresql://");
    std::vector<std::string> argv{
        ROLLGUARD_BINARY, "serve",     "--listen", "127.0.0.1:0", postgresql ? "--store" : "--data",
        data_dir_,        "--threads", "2"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return std::string("posix_spawn: ") + std::strerror(rc);
    }
    port_ = 0;
    return {};
  }

  // The API port once the server says it listens; nullopt if it did not within `within`, or
  // once `cancelled` is set (another thread is about to kill it: only that one reaps).
  std::optional<std::uint16_t> wait_listening(std::chrono::milliseconds within,
                                              const std::atomic<bool>* cancelled = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    const std::string marker = "listening on http://127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log_file_);
      in.seekg(static_cast<std::streamoff>(log_offset_));
      for (std::string line; std::getline(in, line);) {
        if (auto at = line.find(marker); at != std::string::npos) {
          port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + marker.size())));
          return port_;
        }
      }
      if (cancelled ? cancelled->load() : exited()) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

  // The API port once the server has also re-adopted its rollouts and answers changes (until
  // then they get 503 NotReady); nullopt if that did not happen within `within`.
  std::optional<std::uint16_t> wait_ready(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    auto port = wait_listening(within);
    while (port && std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log_file_);
      in.seekg(static_cast<std::streamoff>(log_offset_));
      for (std::string line; std::getline(in, line);)
        if (line.find("] ready: ") != std::string::npos) return port;
      if (exited()) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

  // The wait status once the server has exited by itself within `within`.
  std::optional<int> wait_exit(std::chrono::milliseconds within) {
    for (const auto until = std::chrono::steady_clock::now() + within;
         std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(std::chrono::milliseconds(10)))
      if (exited()) return status_;
    return std::nullopt;
  }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // SIGKILL (a crash) or SIGTERM (graceful), then reaps; the wait status.
  int kill(int signal = SIGKILL) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, signal);
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status_;
  }

  std::string log_tail() const {
    std::ifstream in(log_file_);
    std::stringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

 private:
  bool exited() {
    if (pid_ <= 0) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return false;
  }
  std::size_t log_size() const {
    std::ifstream in(log_file_, std::ios::ate | std::ios::binary);
    return in ? static_cast<std::size_t>(in.tellg()) : 0;
  }

  std::string data_dir_, log_file_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  int status_ = 0;
  std::uint16_t port_ = 0;
  std::size_t log_offset_ = 0;
};

}  // namespace rollguard::testing
