#pragma once
// A real proxy (haproxy, nginx) started by a router test: in a temporary directory of its own
// with the test's config, output in a log file there (shown when something fails), killed
// with SIGKILL by the kernel if the test process dies first, and stopped (then the directory
// removed) when this object goes.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace rollguard::router_test {

class ScratchDir {
 public:
  ScratchDir();  // throws std::runtime_error when mkdtemp fails
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class ProxyProcess {
 public:
  ProxyProcess() = default;
  ~ProxyProcess() { stop(); }
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;

  // Starts argv (argv[0] an absolute path) with stdout and stderr appended to `log_path`.
  // Empty on success, else why not; a missing binary names the Debian package to install.
  std::string start(const std::vector<std::string>& argv, const std::string& package,
                    const std::string& log_path);
  // `signal` (graceful for haproxy SIGUSR1 / nginx SIGQUIT), SIGKILL past 10 s; reaps it.
  void stop(int signal = 15);
  bool exited();  // reaps it if so
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

bool tcp_accepts(std::uint16_t port);
bool unix_accepts(const std::string& path);
// The live children of `parent` (scanning /proc), e.g. nginx's workers.
std::set<pid_t> children_of(pid_t parent);
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

}  // namespace rollguard::router_test
