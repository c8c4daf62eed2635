#include "controller/routers/nginx/nginx_upstream.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

struct NameCase {
  std::string name;
  std::string file;
  std::string upstream;
};

class NginxUpstreamName : public ::testing::TestWithParam<NameCase> {};

TEST_P(NginxUpstreamName, IsTheFileNameUpToItsFirstDot) {
  EXPECT_EQ(nginx_upstream_name(GetParam().file), GetParam().upstream);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NginxUpstreamName,
    ::testing::Values(NameCase{"ConfD", "/etc/nginx/conf.d/checkout.upstream.conf", "checkout"},
                      NameCase{"Plain", "app.conf", "app"},
                      NameCase{"NoExtension", "/x/api_v2-blue", "api_v2-blue"},
                      NameCase{"Hidden", "/x/.checkout.conf", ""},
                      NameCase{"Space", "/x/my app.conf", ""},
                      NameCase{"Brace", "/x/a{b.conf", ""}),
    [](const auto& info) { return info.param.name; });

struct RenderCase {
  std::string name;
  RouteTable table;
  std::string text;  // expected file, when no error
  std::string error;
};

class NginxUpstreamRender : public ::testing::TestWithParam<RenderCase> {};

TEST_P(NginxUpstreamRender, WritesEveryEndpointWithItsWeight) {
  const auto rendered = render_nginx_upstream("checkout", GetParam().table);
  EXPECT_EQ(rendered.error, GetParam().error);
  EXPECT_EQ(rendered.text, GetParam().text);
}

const std::string kHeader =
    "# Written by rollguard on every traffic change; edits here are overwritten.\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, NginxUpstreamRender,
    ::testing::Values(
        RenderCase{"FivePercent",
                   {{95, 5, 0}, false, {"10.0.0.1:80", "10.0.0.2:80"}, {"10.0.0.9:80"}, {}},
                   kHeader + "# split: stable 95%, canary 5%, baseline 0%; preview off\n"
                             "upstream checkout {\n"
                             "    server 10.0.0.1:80 weight=19;  # stable\n"
                             "    server 10.0.0.2:80 weight=19;  # stable\n"
                             "    server 10.0.0.9:80 weight=2;  # canary\n"
                             "}\n"
                             "upstream checkout_preview {\n"
                             "    server 10.0.0.1:80 weight=19;  # stable\n"
                             "    server 10.0.0.2:80 weight=19;  # stable\n"
                             "    server 10.0.0.9:80 weight=2;  # canary\n"
                             "}\n",
                   ""},
        RenderCase{"AllStableWithPreview",
                   {{100, 0, 0}, true, {"10.0.0.1:80"}, {"[::1]:8080"}, {}},
                   kHeader + "# split: stable 100%, canary 0%, baseline 0%; preview on\n"
                             "upstream checkout {\n"
                             "    server 10.0.0.1:80 weight=1;  # stable\n"
                             "    server [::1]:8080 down;  # canary\n"
                             "}\n"
                             "upstream checkout_preview {\n"
                             "    server 10.0.0.1:80 down;  # stable\n"
                             "    server [::1]:8080;  # canary\n"
                             "}\n",
                   ""},
        RenderCase{"WithBaseline",
                   {{80, 10, 10}, false, {"10.0.0.1:80"}, {"10.0.0.2:80"}, {"10.0.0.3:80"}},
                   kHeader + "# split: stable 80%, canary 10%, baseline 10%; preview off\n"
                             "upstream checkout {\n"
                             "    server 10.0.0.1:80 weight=8;  # stable\n"
                             "    server 10.0.0.2:80 weight=1;  # canary\n"
                             "    server 10.0.0.3:80 weight=1;  # baseline\n"
                             "}\n"
                             "upstream checkout_preview {\n"
                             "    server 10.0.0.1:80 weight=8;  # stable\n"
                             "    server 10.0.0.2:80 weight=1;  # canary\n"
                             "    server 10.0.0.3:80 weight=1;  # baseline\n"
                             "}\n",
                   ""},
        RenderCase{"NoCanaryEndpoints",
                   {{87.5, 12.5, 0}, false, {"10.0.0.1:80"}, {}, {}},
                   "",
                   "no canary endpoints for its 12.5% of traffic"},
        RenderCase{"PreviewWithoutCanary",
                   {{100, 0, 0}, true, {"10.0.0.1:80"}, {}, {}},
                   "",
                   "preview asked for, but there are no canary endpoints"},
        RenderCase{"InjectionAttempt",
                   {{100, 0, 0}, false, {"evil;host:80"}, {}, {}},
                   "",
                   "endpoint \"evil;host:80\" is not host:port"}),
    [](const auto& info) { return info.param.name; });

struct TestArgvCase {
  std::string name;
  Argv reload;
  std::optional<Argv> test;
};

class NginxTestArgv : public ::testing::TestWithParam<TestArgvCase> {};

TEST_P(NginxTestArgv, ReplacesSignalReloadWithTest) {
  EXPECT_EQ(nginx_test_argv(GetParam().reload), GetParam().test);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NginxTestArgv,
    ::testing::Values(TestArgvCase{"Default", {"nginx", "-s", "reload"}, Argv{"nginx", "-t"}},
                      TestArgvCase{"PrefixAndConf",
                                   {"/usr/sbin/nginx", "-p", "/srv", "-c", "/srv/n.conf", "-s",
                                    "reload", "-g", "pid /srv/n.pid;"},
                                   Argv{"/usr/sbin/nginx", "-p", "/srv", "-c", "/srv/n.conf", "-t",
                                        "-g", "pid /srv/n.pid;"}},
                      TestArgvCase{"Systemctl", {"systemctl", "reload", "nginx"}, std::nullopt},
                      TestArgvCase{"OtherSignal", {"nginx", "-s", "quit"}, std::nullopt}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rollguard
