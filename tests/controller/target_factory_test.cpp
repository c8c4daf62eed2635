#include "controller/target_factory.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "controller/command_target.hpp"
#include "controller/process_target.hpp"
#include "controller/static_target.hpp"

namespace rollguard {
namespace {

TEST(TargetFactory, BuildsTheDriverTheManifestNames) {
  boost::asio::io_context io;
  struct Case {
    const char* name;
    TargetSpec target;
    bool (*is_expected)(const TargetDriver*);
  } cases[] = {
      {"Process", ProcessTarget{},
       [](const TargetDriver* d) {
         return dynamic_cast<const ProcessTargetDriver*>(d) != nullptr;
       }},
      {"Static", StaticTarget{},
       [](const TargetDriver* d) { return dynamic_cast<const StaticTargetDriver*>(d) != nullptr; }},
      {"Command", CommandTarget{},
       [](const TargetDriver* d) {
         return dynamic_cast<const CommandTargetDriver*>(d) != nullptr;
       }},
  };
  for (const auto& c : cases) {
    RolloutSpec spec;
    spec.metadata.name = "shop";
    spec.target = c.target;
    auto driver = make_target_driver(spec, io.get_executor());
    ASSERT_TRUE(driver) << c.name;
    EXPECT_TRUE(c.is_expected(driver.get())) << c.name;
  }
}

}  // namespace
}  // namespace rollguard
