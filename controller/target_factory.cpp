#include "controller/target_factory.hpp"

#include "controller/command_target.hpp"
#include "controller/process_target.hpp"
#include "controller/static_target.hpp"

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
