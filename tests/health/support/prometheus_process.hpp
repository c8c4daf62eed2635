#pragma once
// A real Prometheus (the Debian package's /usr/bin/prometheus) for provider tests: started on
// 127.0.0.1 on a free port with its own temporary storage and config, and killed when this
// object goes, or with SIGKILL by the kernel if the test process dies first.
#include <sys/types.h>
#include <string>

namespace rollguard::provider_test {

class PrometheusProcess {
 public:
  static constexpr const char* kBinary = "/usr/bin/prometheus";

  PrometheusProcess() = default;
  ~PrometheusProcess() { stop(); }
  PrometheusProcess(const PrometheusProcess&) = delete;
  PrometheusProcess& operator=(const PrometheusProcess&) = delete;

  // Writes `config_yaml` and starts the binary. Returns an error text, empty on success.
  std::string start(const std::string& config_yaml);
  // SIGTERM, then SIGKILL if it has not exited within a few seconds; removes the temp dir.
  void stop();

  // Whether the process has exited on its own (a bad flag, a taken port); reaps it if so.
  bool exited();
  std::string address() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;  // its stdout and stderr so far, for failure messages

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string dir_;
};

}  // namespace rollguard::provider_test
