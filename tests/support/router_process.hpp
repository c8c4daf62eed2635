#pragma once
// A real `rollguard router` process for a test: free loopback ports for traffic and admin,
// the ports read back from its "rollguard router: traffic on ..., admin on ..." line, killed
// and reaped by the destructor.
#include <gtest/gtest.h>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace rollguard::testing {

class RouterProcess {
 public:
  ::testing::AssertionResult start(std::vector<std::string> flags = {}) {
    std::vector<std::string> argv{ROLLGUARD_BINARY, "router",
                                  "--listen",       "127.0.0.1:" + std::to_string(wanted_listen),
                                  "--admin",        "127.0.0.1:" + std::to_string(wanted_admin)};
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (std::string error = process.start(argv); !error.empty())
      return ::testing::AssertionFailure() << error;
    const auto line = process.read_line(deadline_in(std::chrono::seconds(20)));
    static const std::regex started(
        R"(rollguard router: traffic on 127\.0\.0\.1:(\d+), admin on 127\.0\.0\.1:(\d+))");
    std::smatch m;
    if (!line || !std::regex_search(*line, m, started))
      return ::testing::AssertionFailure() << "no 'traffic on' line, got: " << line.value_or("");
    listen_port = static_cast<std::uint16_t>(std::stoi(m[1]));
    admin_port = static_cast<std::uint16_t>(std::stoi(m[2]));
    return ::testing::AssertionSuccess();
  }

  std::string listen() const { return "127.0.0.1:" + std::to_string(listen_port); }
  std::string admin() const { return "127.0.0.1:" + std::to_string(admin_port); }

  std::uint16_t wanted_listen = 0, wanted_admin = 0;  // 0: any free port
  ChildProcess process;
  std::uint16_t listen_port = 0, admin_port = 0;
};

}  // namespace rollguard::testing
