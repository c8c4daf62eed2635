#include "controller/targets/target_registry.hpp"

#include "controller/targets/command/command_target_driver.hpp"
#include "controller/targets/process/process_target_driver.hpp"
#include "controller/targets/static/static_target_driver.hpp"

namespace rollguard {

std::unique_ptr<TargetDriver> make_target_driver(const RolloutSpec& spec,
                                                 boost::asio::any_io_executor executor) {
  struct Make {
    const RolloutSpec& spec;
    boost::asio::any_io_executor executor;
    std::unique_ptr<TargetDriver> operator()(const ProcessTarget& t) const {
      return std::make_unique<ProcessTargetDriver>(t, spec.metadata.name, executor);
    }
    std::unique_ptr<TargetDriver> operator()(const StaticTarget& t) const {
      return std::make_unique<StaticTargetDriver>(t, executor);
    }
    std::unique_ptr<TargetDriver> operator()(const CommandTarget& t) const {
      return std::make_unique<CommandTargetDriver>(t, spec.metadata.name, executor);
    }
  };
  return std::visit(Make{spec, executor}, spec.target);
}

}  // namespace rollguard
