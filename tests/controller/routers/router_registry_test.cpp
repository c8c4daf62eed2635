// The router registry builds a driver for every `traffic` kind (never null), and refuses a
// builtin router without its server unless it is a standalone one (admin set).
#include "controller/routers/router_registry.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <functional>

#include "controller/routers/builtin/builtin_router_driver.hpp"
#include "controller/routers/none/no_router_driver.hpp"
#include "health/providers/builtin/outcome_window.hpp"
#include "support/variant_alternatives.hpp"

namespace rollguard {
namespace {

template <class Driver>
bool is(const RouterDriver* d) {
  return dynamic_cast<const Driver*>(d) != nullptr;
}

// One entry per RouterSpec alternative, in its order.
const std::array<std::function<bool(const RouterDriver*)>, std::variant_size_v<RouterSpec>>
    kExpected = {is<BuiltinRouterDriver>, is<HaproxyRouterDriver>, is<NginxRouterDriver>,
                 is<CommandRouterDriver>, is<NoRouterDriver>};

TEST(RouterRegistry, BuildsADriverForEveryKind) {
  boost::asio::io_context io;
  VirtualClock clock;
  OutcomeWindow outcomes;
  BuiltinRouterServer server(router_options(BuiltinRouter{}, TrafficSpec{}), clock, outcomes);
  testing::for_each_alternative<RouterSpec>([&](auto index, auto kind) {
    auto driver = make_router_driver(kind, {io.get_executor(), &server, {}});
    ASSERT_NE(driver, nullptr) << "alternative " << index();
    EXPECT_TRUE(kExpected[index()](driver.get())) << "alternative " << index();
  });
}

TEST(RouterRegistry, BuiltinWithAdminIsTheStandaloneRouterAndNeedsNoServer) {
  boost::asio::io_context io;
  BuiltinRouter standalone;
  standalone.admin = "127.0.0.1:8081";
  auto driver = make_router_driver(standalone, {io.get_executor(), nullptr, {}});
  EXPECT_TRUE(is<RemoteRouterDriver>(driver.get()));
}

TEST(RouterRegistry, RefusesABuiltinRouterWithoutItsServer) {
  boost::asio::io_context io;
  EXPECT_THROW(make_router_driver(BuiltinRouter{}, {io.get_executor(), nullptr, {}}),
               std::logic_error);
}

TEST(NoRouterDriver, ConfirmsAtOnce) {
  NoRouterDriver driver;
  std::string error = "not called";
  driver.apply(RouteTable{}, [&](std::string e) { error = std::move(e); });
  EXPECT_EQ(error, "");
}

}  // namespace
}  // namespace rollguard
