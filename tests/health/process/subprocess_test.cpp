// ctest: integration
#include "health/process/subprocess.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <optional>
#include <thread>

#include "tests/health/run_until.hpp"

namespace rollguard {
namespace {

// Every behaviour holds for both ways of starting a child: posix_spawn, and fork/exec with
// the parent-death signal.
struct SpawnMode {
  const char* name;
  bool die_with_parent;
};

class SubprocessModes : public ::testing::TestWithParam<SpawnMode> {
 protected:
  ProcessResult run(ProcessSpec spec, Duration timeout = 5s) {
    spec.die_with_parent = GetParam().die_with_parent;
    boost::asio::io_context io;
    return testing::run_until_done<ProcessResult>(io, [&](std::function<void(ProcessResult)> done) {
      run_process(io.get_executor(), spec, timeout, std::move(done));
    });
  }
};

TEST_P(SubprocessModes, CapturesStdoutAndStderrTogether) {
  ProcessResult r = run({{"sh", "-c", "echo out; echo err >&2"}, {}, 4096});
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "out\nerr\n");
  EXPECT_FALSE(r.output_truncated);
}

TEST_P(SubprocessModes, KeepsTheTailOfLongOutput) {
  ProcessResult r = run({{"sh", "-c", "seq 1 20000"}, {}, 16});
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "998\n19999\n20000\n");  // the last 16 bytes
  EXPECT_TRUE(r.output_truncated);
}

TEST_P(SubprocessModes, AddsEnvironmentAndReadsNothingFromStdin) {
  ProcessResult r = run({{"sh", "-c", "cat; echo \"$ROLLGUARD_X\""}, {{"ROLLGUARD_X", "a b"}}});
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "a b\n");
}

TEST_P(SubprocessModes, ReportsExitCode) {
  ProcessResult r = run({{"sh", "-c", "exit 7"}, {}});
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_FALSE(r.succeeded());
}

TEST_P(SubprocessModes, TimeoutKillsAndReapsTheProcess) {
  ProcessResult r = run({{"sleep", "60"}, {}}, 100ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  ASSERT_GT(r.pid, 0);
  // Reaped, not a zombie: the pid no longer exists.
  EXPECT_EQ(::kill(r.pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

// A child that exits while its own child keeps the pipe open is done when it exits.
TEST_P(SubprocessModes, DoesNotWaitForGrandchildrenHoldingThePipe) {
  ProcessResult r = run({{"sh", "-c", "sleep 60 & echo bye"}, {}}, 30s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.succeeded());
  EXPECT_EQ(r.output, "bye\n");
}

TEST_P(SubprocessModes, SpawnFailureIsData) {
  ProcessResult r = run({{"/nonexistent/tool"}, {}});
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.error, "cannot run \"/nonexistent/tool\": no such file or directory");
}

TEST_P(SubprocessModes, CommandNotOnPathIsData) {
  ProcessResult r = run({{"rollguard-no-such-command"}, {}});
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.error, "cannot run \"rollguard-no-such-command\": no such file or directory");
}

TEST_P(SubprocessModes, StartsInItsOwnProcessGroup) {
  ProcessResult r = run({{"sh", "-c", "cut -d\" \" -f5 /proc/$$/stat; echo $$"}, {}});
  ASSERT_TRUE(r.succeeded()) << r.output;
  auto newline = r.output.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(std::stol(r.output.substr(0, newline)), std::stol(r.output.substr(newline + 1)));
}

INSTANTIATE_TEST_SUITE_P(Modes, SubprocessModes,
                         ::testing::Values(SpawnMode{"PosixSpawn", false},
                                           SpawnMode{"ForkExec", true}),
                         [](const auto& info) { return std::string(info.param.name); });

// The parent-death signal follows the thread that spawned the child: when that thread ends,
// the child is killed, and its exit is still observed on the executor.
TEST(SubprocessDieWithParent, ChildDiesWithTheSpawningThread) {
  boost::asio::io_context io;
  std::optional<ProcessResult> result;
  pid_t pid = -1;
  std::thread spawner([&] {
    ProcessSpec spec{{"sleep", "60"}, {}};
    spec.die_with_parent = true;
    pid = Subprocess::spawn(io.get_executor(), spec, [&](ProcessResult r) {
            result = std::move(r);
          }).pid();
  });
  spawner.join();
  ASSERT_GT(pid, 0);
  auto until = std::chrono::steady_clock::now() + 20s;
  while (!result && std::chrono::steady_clock::now() < until) io.run_for(50ms);
  ASSERT_TRUE(result) << "the child outlived the thread that spawned it";
  EXPECT_EQ(result->signal, SIGKILL);
}

}  // namespace
}  // namespace rollguard
