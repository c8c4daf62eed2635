// ctest: integration
// Two `rollguard serve` on one data directory (issue 21): the second refuses to start, says
// why and exits 4, and the first carries on; once the first is gone the directory is free.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "controller/service/serve_process.hpp"
#include "support/temp_dir.hpp"

namespace rollguard {
namespace {

using namespace std::chrono_literals;

TEST(ServeDataLock, ASecondServerOnTheSameDataRefusesToStart) {
  testing::TempDir dir("serve-lock");
  const std::string data = dir.file("data");
  testing::ServeProcess first(data, dir.file("first.log"));
  ASSERT_EQ(first.start(), "");
  ASSERT_TRUE(first.wait_listening(20s)) << first.log_tail();

  testing::ServeProcess second(data, dir.file("second.log"));
  ASSERT_EQ(second.start(), "");
  const auto status = second.wait_exit(20s);
  ASSERT_TRUE(status) << second.log_tail();
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 4);
  EXPECT_THAT(second.log_tail(),
              ::testing::HasSubstr(data + " is in use by another rollguard (pid " +
                                   std::to_string(first.pid()) + ")"));

  EXPECT_EQ(WEXITSTATUS(first.kill(SIGTERM)), 0) << first.log_tail();
  testing::ServeProcess third(data, dir.file("third.log"));
  ASSERT_EQ(third.start(), "");
  EXPECT_TRUE(third.wait_listening(20s)) << third.log_tail();
}

}  // namespace
}  // namespace rollguard
