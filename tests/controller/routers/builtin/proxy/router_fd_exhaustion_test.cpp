// ctest: integration
// The built-in router when its process is out of file descriptors: clients wait in the listen
// queue, the accept loop waits 100 ms between tries instead of spinning a core, and once
// descriptors are free again the waiting clients are routed.
#include <gtest/gtest.h>

#include "controller/routers/builtin/proxy/router_fixture.hpp"
#include "support/accept_spin.hpp"
#include "support/sanitizers.hpp"

namespace rollguard::testing {
namespace {

TEST(RouterFdExhaustion, OutOfDescriptorsTheAcceptLoopWaitsAndRecovers) {
  if (kSanitizedBuild)
    GTEST_SKIP() << "UBSan's vptr check probes memory through a pipe; with the descriptor table "
                    "full it cannot, and reports valid objects as having an invalid vptr";
  RouterHarness h;
  ASSERT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
  const std::chrono::microseconds window = 1s;
  AcceptSpin spin = cpu_while_accepts_fail(h.router.port(), window);
  ASSERT_EQ(spin.error, "");
  EXPECT_LT(spin.cpu, window / 4) << "CPU time while out of descriptors: " << spin.cpu.count()
                                  << " us";
  // Accepted in order: this one is routed once the five queued before it are accepted.
  EXPECT_EQ(exchange_once(h.router.port(), make_get()).status, 200);
}

}  // namespace
}  // namespace rollguard::testing
