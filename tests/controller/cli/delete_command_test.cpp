// ctest: integration
// `rollguard delete` and `--success-on-pause` against a real `rollguard serve` running the demo
// app behind its built-in router (issue 21: delete said "traffic stays on the known-good"
// while the instances and the router's port went away). A pipeline's `apply --wait
// --success-on-pause` leaves the rollout paused and serving on the server; `delete` says what
// it stops, and stops exactly that.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "controller/service/serve_process.hpp"
#include "controller/support/live_world.hpp"
#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace rollguard {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class DeleteCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(serve_.start(), "");
    const auto port = serve_.wait_ready(20s);
    ASSERT_TRUE(port) << serve_.log_tail();
    server_ = "http://127.0.0.1:" + std::to_string(*port);
    manifest_ = dir_.file("held.yaml");
    std::ofstream(manifest_) << live_test::demo_app_rollout("held", flags_, router_port_)
                             << "  strategy:\n    canary:\n      steps:\n"
                                "        - setWeight: 50\n        - pause: {}\n";
  }
  void TearDown() override { serve_.kill(SIGTERM); }

  // `rollguard ARGS... --server URL`: its exit code and its stdout.
  std::pair<int, std::string> rollguard(std::vector<std::string> args) {
    args.insert(args.begin(), ROLLGUARD_BINARY);
    if (args[1] != "--help" && args.back() != "--help") {
      args.push_back("--server");
      args.push_back(server_);
    }
    testing::ChildProcess child;
    EXPECT_EQ(child.start(args), "");
    std::string out;
    while (auto line = child.read_line(testing::deadline_in(90s))) out += *line + "\n";
    const auto status = child.wait_for_exit(testing::deadline_in(60s));
    return {status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, out};
  }

  // Demo-app instances of this test's manifest that are still alive.
  int instances_alive() const {
    int alive = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string text((std::istreambuf_iterator<char>(cmdline)), {});
      alive += text.find(flags_.path().string() + "/") != std::string::npos;
    }
    return alive;
  }

  testing::TempDir dir_{"delete"};
  testing::ServeProcess serve_{dir_.file("data"), dir_.file("serve.log")};
  live_test::DemoAppFlags flags_{"delete-flags", ""};
  std::uint16_t router_port_ = testing::free_port();
  std::string server_;
  std::string manifest_;
};

TEST_F(DeleteCommand, SuccessOnPauseLeavesItServingAndDeleteSaysWhatItStops) {
  const auto [applied, apply_out] = rollguard({"apply", manifest_, "--wait", "--success-on-pause"});
  ASSERT_EQ(applied, 0) << apply_out << serve_.log_tail();
  EXPECT_THAT(apply_out, HasSubstr("== held: Paused"));
  // The pipeline is done, the rollout is not: paused at 50%, both versions up.
  const auto [got, status] = rollguard({"get", "held"});
  EXPECT_EQ(got, 0);
  EXPECT_THAT(status, HasSubstr("Phase:       Paused (step)"));
  EXPECT_TRUE(accepts(router_port_));
  EXPECT_EQ(instances_alive(), 2);

  const auto [deleted, delete_out] = rollguard({"delete", "held"});
  EXPECT_EQ(deleted, 0) << delete_out;
  EXPECT_THAT(delete_out, HasSubstr("held: removed: no longer managed; 2.0.0 was rolled back "
                                    "first; the instances rollguard started are stopped (1.0.0 "
                                    "too); the built-in router on 127.0.0.1:" +
                                    std::to_string(router_port_) + " is closed"));
  EXPECT_THAT(delete_out, Not(HasSubstr("keeps the traffic")));
  // And that is what happens: wait for the removal to settle, then nothing is left.
  for (int i = 0; i < 600 && (instances_alive() > 0 || accepts(router_port_)); ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(instances_alive(), 0) << serve_.log_tail();
  EXPECT_FALSE(accepts(router_port_));
  EXPECT_EQ(rollguard({"get", "held"}).first, 2);  // 404: no longer managed

  const auto [help_code, help] = rollguard({"delete", "--help"});
  EXPECT_EQ(help_code, 0);
  EXPECT_THAT(help, Not(HasSubstr("traffic stays")));
  EXPECT_THAT(help, HasSubstr("built-in router"));
}

}  // namespace
}  // namespace rollguard
