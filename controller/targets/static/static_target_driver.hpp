#pragma once
// The static target (docs/targets.md; docs/manifest.md, `spec.target.static`): the versions already
// run elsewhere at fixed endpoints, so scaling a role only says where its traffic goes. A role
// asked for instances is ready at once with its configured endpoints; a role with none configured
// is a failure. Nothing is started, so nothing is stopped.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "controller/ports/target_driver.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

class StaticTargetDriver final : public TargetDriver {
 public:
  StaticTargetDriver(StaticTarget spec, boost::asio::any_io_executor executor);

  void scale(Role role, const std::string& version, int count) override;
  void on_report(std::function<void(const TargetReport&)> observer) override;
  void shutdown(std::function<void()> done) override;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace rollguard
