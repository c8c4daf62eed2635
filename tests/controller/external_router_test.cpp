#include "controller/external_router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace rollguard {
namespace {

struct FactoryCase {
  std::string name;
  RouterSpec spec;
  std::function<bool(TrafficRouter*)> is_expected;
};

class ExternalRouterFactory : public ::testing::TestWithParam<FactoryCase> {};

TEST_P(ExternalRouterFactory, BuildsTheRouterTheManifestNames) {
  boost::asio::io_context io;
  auto router = make_external_router(GetParam().spec, io.get_executor());
  EXPECT_TRUE(GetParam().is_expected(router.get()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExternalRouterFactory,
    ::testing::Values(
        FactoryCase{"Haproxy", HaproxyRouter{"unix:/run/haproxy.sock", "app", {"s1"}, {"s2"}, {}},
                    [](TrafficRouter* r) { return dynamic_cast<HaproxyTrafficRouter*>(r); }},
        FactoryCase{"Nginx", NginxRouter{"/etc/nginx/conf.d/app.conf"},
                    [](TrafficRouter* r) { return dynamic_cast<NginxTrafficRouter*>(r); }},
        FactoryCase{"Command", CommandRouter{{"set-weight", "{{weight}}"}},
                    [](TrafficRouter* r) { return dynamic_cast<CommandTrafficRouter*>(r); }},
        FactoryCase{"Builtin", BuiltinRouter{}, [](TrafficRouter* r) { return r == nullptr; }},
        FactoryCase{"None", NoRouter{}, [](TrafficRouter* r) { return r == nullptr; }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
