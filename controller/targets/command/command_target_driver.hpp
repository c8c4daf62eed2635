#pragma once
// The command target (docs/targets.md; docs/manifest.md, `spec.target.command`): any platform
// through its own CLI. A role asked for a new version runs `deploy`, then `ready` (when given), and
// is then ready with the endpoints the manifest lists for it; asked for 0 it runs `teardown` (when
// given). Commands run one at a time per role, each within `timeout`; a request that arrives while
// one runs is acted on when it ends (only the latest request counts). A failed command is a
// failure report quoting the end of its output, and the same request is not retried.
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "controller/ports/target_driver.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

class CommandTargetDriver final : public TargetDriver {
 public:
  CommandTargetDriver(CommandTarget spec, std::string name, boost::asio::any_io_executor executor);

  void scale(Role role, const std::string& version, int count) override;
  void on_report(std::function<void(const TargetReport&)> observer) override;
  // Waits for the commands already running (each within its timeout) and starts no more.
  // Nothing is torn down: what the platform runs outlives rollguard by design.
  void shutdown(std::function<void()> done) override;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace rollguard
