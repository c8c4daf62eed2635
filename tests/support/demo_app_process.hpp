#pragma once
// The real rollguard-demo-app binary started for a test: port 0, --exit-with-parent, and the
// port read back from its "listening on 127.0.0.1:PORT" line.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace rollguard::testing {

class DemoAppProcess {
 public:
  ::testing::AssertionResult start(const std::vector<std::string>& flags) {
    std::vector<std::string> argv{ROLLGUARD_DEMO_APP, "--port", "0", "--exit-with-parent"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (std::string error = process.start(argv); !error.empty())
      return ::testing::AssertionFailure() << error;
    const auto line = process.read_line(deadline_in(std::chrono::seconds(20)));
    const std::string prefix = "listening on ";
    if (!line || !line->starts_with(prefix))
      return ::testing::AssertionFailure() << "no 'listening on' line, got: " << line.value_or("");
    const auto colon = line->rfind(':');
    port = static_cast<std::uint16_t>(std::stoi(line->substr(colon + 1)));
    return ::testing::AssertionSuccess();
  }

  ChildProcess process;
  std::uint16_t port = 0;
};

}  // namespace rollguard::testing
