#pragma once
// The process target (docs/manifest.md, `spec.target.process`): local processes, one per
// instance, started from the manifest's argv template with a port from portRange each, ready
// when they pass the readiness check, reported dead the moment they die, stopped with SIGTERM
// then SIGKILL, and killed with rollguard if rollguard dies (docs/targets.md).
//
// Children are spawned on the executor's threads and their parent-death signal is tied to
// the spawning thread: run the executor on threads that live as long as rollguard does.
#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "controller/ports/target_driver.hpp"
#include "controller/targets/process/process_instance.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

class ProcessTargetDriver final : public TargetDriver {
 public:
  ProcessTargetDriver(ProcessTarget spec, std::string name, boost::asio::any_io_executor executor,
                      InstanceTiming timing = {});
  // SIGKILLs whatever is still running; shutdown() is the orderly way out.
  ~ProcessTargetDriver() override;

  void scale(Role role, const std::string& version, int count) override;
  void on_report(std::function<void(const TargetReport&)> observer) override;
  void shutdown(std::function<void()> done) override;

  // The process ids of `role`'s instances not yet reaped, the leaving ones included. For
  // diagnostics and tests; call it on the executor (or while the executor is not running).
  std::vector<pid_t> pids(Role role) const;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace rollguard
