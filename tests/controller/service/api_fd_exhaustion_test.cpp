// ctest: integration
// The API server when its process is out of file descriptors: clients wait in the listen
// queue, the accept loop waits 100 ms between tries instead of spinning a core, and once
// descriptors are free again the waiting clients are served.
#include <gtest/gtest.h>

#include <thread>

#include "support/fd_exhaustion.hpp"
#include "support/held_connections.hpp"
#include "support/sanitizers.hpp"
#include "tests/controller/service/api_fixture.hpp"

namespace rollguard::testing {
namespace {

TEST_F(ApiFixture, OutOfDescriptorsTheAcceptLoopWaitsAndRecovers) {
  if (kSanitizedBuild)
    GTEST_SKIP() << "UBSan's vptr check probes memory through a pipe; with the descriptor table "
                    "full it cannot, and reports valid objects as having an invalid vptr";
  start();
  ASSERT_EQ(request_once(port(), "GET", "/healthz").status, 200);
  ExhaustedFdTable full(2);  // the two for HeldConnections' pipe
  ASSERT_TRUE(full.lowered());
  HeldConnectionsOptions waiting;
  waiting.count = 5;
  HeldConnections queued(port(), waiting);
  ASSERT_TRUE(queued.wait_connected(30s)) << queued.error();  // in the kernel's listen queue

  // A measuring window, not a wait for a state: every accept fails with EMFILE meanwhile. A
  // loop that retries at once burns a core (as much of one as the scheduler gives it); one
  // that waits 100 ms between tries uses next to nothing.
  const std::chrono::microseconds window = 1s;
  const auto cpu_before = process_cpu_time();
  std::this_thread::sleep_for(window);
  const auto cpu = process_cpu_time() - cpu_before;
  EXPECT_LT(cpu, window / 4) << "CPU time while out of descriptors: " << cpu.count() << " us";

  full.restore();
  // Accepted in order: this one is answered once the five queued before it are accepted.
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace rollguard::testing
