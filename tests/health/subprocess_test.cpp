#include "health/subprocess.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>

#include "tests/health/run_until.hpp"

namespace rollguard {
namespace {

ProcessResult run(ProcessSpec spec, Duration timeout = 5s) {
  boost::asio::io_context io;
  return testing::run_until_done<ProcessResult>(io, [&](std::function<void(ProcessResult)> done) {
    run_process(io.get_executor(), spec, timeout, std::move(done));
  });
}

TEST(Subprocess, CapturesStdoutAndStderrTogether) {
  ProcessResult r = run({{"sh", "-c", "echo out; echo err >&2"}, {}, 4096});
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "out\nerr\n");
  EXPECT_FALSE(r.output_truncated);
}

TEST(Subprocess, KeepsTheTailOfLongOutput) {
  ProcessResult r = run({{"sh", "-c", "seq 1 20000"}, {}, 16});
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "998\n19999\n20000\n");  // the last 16 bytes
  EXPECT_TRUE(r.output_truncated);
}

TEST(Subprocess, AddsEnvironmentAndReadsNothingFromStdin) {
  ProcessResult r = run({{"sh", "-c", "cat; echo \"$ROLLGUARD_X\""}, {{"ROLLGUARD_X", "a b"}}});
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "a b\n");
}

TEST(Subprocess, ReportsExitCode) {
  ProcessResult r = run({{"sh", "-c", "exit 7"}, {}});
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_FALSE(r.succeeded());
}

TEST(Subprocess, TimeoutKillsAndReapsTheProcess) {
  ProcessResult r = run({{"sleep", "60"}, {}}, 100ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  ASSERT_GT(r.pid, 0);
  // Reaped, not a zombie: the pid no longer exists.
  EXPECT_EQ(::kill(r.pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

// A child that exits while its own child keeps the pipe open is done when it exits.
TEST(Subprocess, DoesNotWaitForGrandchildrenHoldingThePipe) {
  ProcessResult r = run({{"sh", "-c", "sleep 60 & echo bye"}, {}}, 30s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "bye\n");
}

TEST(Subprocess, SpawnFailureIsData) {
  ProcessResult r = run({{"/nonexistent/tool"}, {}});
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.error, "cannot run \"/nonexistent/tool\": no such file or directory");
}

}  // namespace
}  // namespace rollguard
