#include "controller/routers/haproxy/haproxy_plan.hpp"

#include <gtest/gtest.h>

#include "controller/routers/haproxy/haproxy_server_state.hpp"

namespace rollguard {
namespace {

HaproxyRouter spec(std::vector<std::string> stable, std::vector<std::string> canary) {
  HaproxyRouter s;
  s.runtimeApi = "unix:/run/haproxy/admin.sock";
  s.backend = "app";
  s.stable = std::move(stable);
  s.canary = std::move(canary);
  return s;
}

struct PlanCase {
  std::string name;
  HaproxyRouter spec;
  RouteTable table;
  std::vector<std::string> commands;  // empty when an error is expected
  std::string error;
};

class HaproxyPlanning : public ::testing::TestWithParam<PlanCase> {};

TEST_P(HaproxyPlanning, CommandsOrError) {
  const auto& c = GetParam();
  const HaproxyPlan plan = plan_haproxy(c.spec, c.table);
  EXPECT_EQ(plan.error, c.error);
  if (c.error.empty()) {
    EXPECT_EQ(haproxy_commands(c.spec.backend, plan), c.commands);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HaproxyPlanning,
    ::testing::Values(
        PlanCase{"StaticServersShareTheirRole",
                 spec({"s1", "s2"}, {"s3"}),
                 {{90, 10, 0}, false, {}, {}, {}},
                 {"set weight app/s1 9", "set weight app/s2 9", "set weight app/s3 2"},
                 ""},
        PlanCase{"EndpointsFillTheFirstSlots",
                 spec({"p1", "p3"}, {"p2"}),
                 {{50, 50, 0}, false, {"127.0.0.1:8001"}, {"127.0.0.1:8002"}, {}},
                 {"set server app/p1 addr 127.0.0.1 port 8001",
                  "set server app/p2 addr 127.0.0.1 port 8002", "set weight app/p1 1",
                  "set weight app/p3 0", "set weight app/p2 1"},
                 ""},
        PlanCase{
            "Ipv6Endpoint",
            spec({"s1"}, {"s2"}),
            {{100, 0, 0}, false, {"[::1]:8080"}, {}, {}},
            {"set server app/s1 addr ::1 port 8080", "set weight app/s1 1", "set weight app/s2 0"},
            ""},
        PlanCase{"MoreEndpointsThanServers",
                 spec({"s1"}, {"s2"}),
                 {{100, 0, 0}, false, {"127.0.0.1:1", "127.0.0.1:2"}, {}, {}},
                 {},
                 "backend app has 1 stable server(s) for 2 endpoints; list one server per "
                 "instance under servers.stable"},
        PlanCase{"HostNameEndpoint",
                 spec({"s1"}, {"s2"}),
                 {{100, 0, 0}, false, {"app.internal:80"}, {}, {}},
                 {},
                 "endpoint \"app.internal:80\" for server app/s1 is not an IP address and port"},
        PlanCase{"ServerUnderTwoRoles",
                 spec({"s1"}, {"s1"}),
                 {{50, 50, 0}, false, {}, {}, {}},
                 {},
                 "server app/s1 is listed under more than one role"},
        PlanCase{"ShareWithoutServers",
                 spec({"s1"}, {}),
                 {{87.5, 12.5, 0}, false, {}, {}, {}},
                 {},
                 "backend app has no canary server for its 12.5% of traffic"}),
    [](const auto& info) { return info.param.name; });

// As HAProxy 2.6 answers `show servers state app`.
const char* kStateAnswer =
    "1\n"
    "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
    "srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health "
    "srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord "
    "srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n"
    "3 app 1 s1 127.0.0.2 2 0 256 100 13 1 0 2 0 0 0 0 - 9999 - 0 0 - - 0\n"
    "3 app 2 s2 127.0.0.1 2 1 1 1 13 1 0 2 0 0 0 0 - 2 - 0 0 - - 0\n";

TEST(HaproxyServerStateParse, ReadsFieldsByTheirHeaderNames) {
  const auto table = parse_servers_state(kStateAnswer);
  ASSERT_EQ(table.error, "");
  ASSERT_EQ(table.servers.size(), 2u);
  EXPECT_EQ(table.servers[0], (HaproxyServerState{"s1", "127.0.0.2", 9999, 256, 0}));
  EXPECT_EQ(table.servers[1], (HaproxyServerState{"s2", "127.0.0.1", 2, 1, 1}));
}

struct ParseErrorCase {
  std::string name;
  std::string answer;
  std::string error;
};

class HaproxyServerStateErrors : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(HaproxyServerStateErrors, SayWhatCameInstead) {
  EXPECT_EQ(parse_servers_state(GetParam().answer).error, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HaproxyServerStateErrors,
    ::testing::Values(
        ParseErrorCase{"UnknownBackend", "Can't find backend.", "\"Can't find backend.\""},
        ParseErrorCase{"Empty", "", "an empty answer"},
        ParseErrorCase{"MissingColumn", "1\n# be_id srv_name srv_addr\n1 s1 1.2.3.4\n",
                       "no srv_port column in the server state header"},
        ParseErrorCase{"ShortLine",
                       "1\n# srv_name srv_addr srv_port srv_uweight srv_admin_state\ns1 1.2.3.4\n",
                       "a short server state line: \"s1 1.2.3.4\""},
        ParseErrorCase{"NotANumber",
                       "1\n# srv_name srv_addr srv_port srv_uweight srv_admin_state\n"
                       "s1 1.2.3.4 80 x 0\n",
                       "an unreadable server state line: \"s1 1.2.3.4 80 x 0\""}),
    [](const auto& info) { return info.param.name; });

struct VerifyCase {
  std::string name;
  std::vector<HaproxyServerPlan> plan;
  std::string error;
};

class HaproxyVerify : public ::testing::TestWithParam<VerifyCase> {};

TEST_P(HaproxyVerify, ComparesThePlanWithWhatHaproxyRuns) {
  HaproxyPlan plan;
  plan.servers = GetParam().plan;
  EXPECT_EQ(verify_servers_state("app", plan, parse_servers_state(kStateAnswer)), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HaproxyVerify,
    ::testing::Values(
        VerifyCase{"Matches", {{"s1", Role::Stable, 256, HostPort{"127.0.0.2", 9999}}}, ""},
        VerifyCase{"WeightDiffers",
                   {{"s1", Role::Stable, 19, std::nullopt}},
                   "server app/s1 has weight 256 after set weight 19"},
        VerifyCase{"AddressDiffers",
                   {{"s1", Role::Stable, 256, HostPort{"127.0.0.1", 9999}}},
                   "server app/s1 points at 127.0.0.2:9999 after set server addr 127.0.0.1 "
                   "port 9999"},
        VerifyCase{"MaintenanceWithTraffic",
                   {{"s2", Role::Canary, 1, std::nullopt}},
                   "server app/s2 should take traffic but is in maintenance or draining (admin "
                   "state 0x1)"},
        VerifyCase{"Missing",
                   {{"s9", Role::Canary, 0, std::nullopt}},
                   "server app/s9 is not in show servers state"}),
    [](const auto& info) { return info.param.name; });

// A server in maintenance that is meant to take nothing is as planned.
TEST(HaproxyVerifyMaintenance, IsFineForAServerWithoutTraffic) {
  HaproxyPlan plan;
  plan.servers = {{"s2", Role::Canary, 0, std::nullopt}};
  HaproxyStateTable state;
  state.servers = {{"s2", "127.0.0.1", 2, 0, 1}};
  EXPECT_EQ(verify_servers_state("app", plan, state), "");
}

TEST(HaproxyVerifyMaintenance, ReportsTheAnswerThatWasNotATable) {
  EXPECT_EQ(verify_servers_state("app", HaproxyPlan{}, parse_servers_state("Can't find backend.")),
            "show servers state app answered \"Can't find backend.\"");
}

}  // namespace
}  // namespace rollguard
