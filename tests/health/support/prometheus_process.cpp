#include "health/support/prometheus_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "support/free_port.hpp"

namespace rollguard::provider_test {

namespace fs = std::filesystem;

std::string PrometheusProcess::start(const std::string& config_yaml) {
  if (::access(kBinary, X_OK) != 0)
    return std::string(kBinary) +
           " is missing: install the Debian package `prometheus` (tools/setup does)";
  std::string pattern = (fs::temp_directory_path() / "rollguard-prometheus-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return std::string("mkdtemp failed: ") + std::strerror(errno);
  dir_ = pattern;
  const std::string config = dir_ + "/prometheus.yml";
  std::ofstream(config) << config_yaml;
  port_ = testing::free_port();

  const std::vector<std::string> args{
      kBinary, "--config.file=" + config, "--storage.tsdb.path=" + dir_ + "/data",
      "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string log_path = dir_ + "/prometheus.log";
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return std::string("fork failed: ") + std::strerror(errno);
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execv(kBinary, argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  return "";
}

void PrometheusProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    dir_.clear();
  }
}

bool PrometheusProcess::exited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
  pid_ = -1;
  return true;
}

std::string PrometheusProcess::log() const {
  if (dir_.empty()) return "";
  std::ifstream in(dir_ + "/prometheus.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace rollguard::provider_test
