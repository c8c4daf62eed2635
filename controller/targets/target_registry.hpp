#pragma once
// The target driver a manifest asks for (spec.target): process, static or command.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "controller/ports/target_driver.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

std::unique_ptr<TargetDriver> make_target_driver(const RolloutSpec& spec,
                                                 boost::asio::any_io_executor executor);

}  // namespace rollguard
