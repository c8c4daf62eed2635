// The live waker: it runs the function at its time, a new time replaces the old, and once
// cancelled (its reconciler going away) nothing given to it runs, even a wait already due.
#include "controller/runtime/asio_waker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace rollguard {
namespace {

TimePoint now() {
  return SystemClock().now();
}

TEST(AsioWakerTest, RunsTheLatestFunctionAtItsTime) {
  boost::asio::io_context io;
  AsioWaker waker(io.get_executor());
  std::string ran;
  waker.wake_at(now() + 1h, [&] { ran += "old"; });
  waker.wake_at(now() + 10ms, [&] { ran += "new"; });
  io.run_for(std::chrono::milliseconds(500));
  EXPECT_EQ(ran, "new");
}

TEST(AsioWakerTest, ACancelledWakeUpNeverRuns) {
  boost::asio::io_context io;
  AsioWaker waker(io.get_executor());
  bool ran = false;
  waker.wake_at(now() - 1s, [&] { ran = true; });  // already due
  waker.cancel();
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(ran);
  waker.wake_at(now(), [&] { ran = true; });  // still usable afterwards
  io.restart();                               // it ran out of work above
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(ran);
}

TEST(AsioWakerTest, NothingRunsOnceTheWakerIsGone) {
  boost::asio::io_context io;
  bool ran = false;
  {
    AsioWaker waker(io.get_executor());
    waker.wake_at(now() - 1s, [&] { ran = true; });
  }
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace rollguard
