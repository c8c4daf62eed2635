#include "controller/targets/target_registry.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <functional>

#include "controller/targets/command/command_target_driver.hpp"
#include "controller/targets/process/process_target_driver.hpp"
#include "controller/targets/static/static_target_driver.hpp"
#include "support/variant_alternatives.hpp"

namespace rollguard {
namespace {

template <class Driver>
bool is(const TargetDriver* d) {
  return dynamic_cast<const Driver*>(d) != nullptr;
}

// One entry per TargetSpec alternative, in its order.
const std::array<std::function<bool(const TargetDriver*)>, std::variant_size_v<TargetSpec>>
    kExpected = {is<ProcessTargetDriver>, is<StaticTargetDriver>, is<CommandTargetDriver>};

TEST(TargetRegistry, BuildsADriverForEveryKind) {
  boost::asio::io_context io;
  testing::for_each_alternative<TargetSpec>([&](auto index, auto kind) {
    RolloutSpec spec;
    spec.metadata.name = "shop";
    spec.target = kind;
    auto driver = make_target_driver(spec, io.get_executor());
    ASSERT_NE(driver, nullptr) << "alternative " << index();
    EXPECT_TRUE(kExpected[index()](driver.get())) << "alternative " << index();
  });
}

}  // namespace
}  // namespace rollguard
