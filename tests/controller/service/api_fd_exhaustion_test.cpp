// ctest: integration
// The API server when its process is out of file descriptors: clients wait in the listen
// queue, the accept loop waits 100 ms between tries instead of spinning a core, and once
// descriptors are free again the waiting clients are served.
#include <gtest/gtest.h>

#include "support/accept_spin.hpp"
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
  const std::chrono::microseconds window = 1s;
  AcceptSpin spin = cpu_while_accepts_fail(port(), window);
  ASSERT_EQ(spin.error, "");
  EXPECT_LT(spin.cpu, window / 4) << "CPU time while out of descriptors: " << spin.cpu.count()
                                  << " us";
  // Accepted in order: this one is answered once the five queued before it are accepted.
  EXPECT_EQ(request_once(port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace rollguard::testing
