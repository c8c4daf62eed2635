// Lifeline: delivered work runs on the owner's strand while the owner lives, never after.
#include "controller/runtime/lifeline.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rollguard {
namespace {

TEST(Lifeline, WorkRunsThroughThePostUntilCut) {
  std::vector<std::function<void()>> strand;
  auto lifeline = Lifeline::make([&strand](std::function<void()> w) { strand.push_back(w); });
  int ran = 0;
  lifeline->deliver([&ran] { ++ran; });
  EXPECT_EQ(ran, 0);  // posted, not run inline
  lifeline->deliver([&ran] { ran += 10; });
  strand[0]();
  lifeline->cut();  // the owner goes between the two posted pieces of work
  strand[1]();
  lifeline->deliver([&ran] { ran += 100; });
  strand[2]();
  EXPECT_EQ(ran, 1);
}

TEST(Lifeline, OutlivesItsOwnerInTheCompletionsThatHoldIt) {
  std::vector<std::function<void()>> strand;
  std::function<void()> completion;
  {
    auto lifeline = Lifeline::make([&strand](std::function<void()> w) { strand.push_back(w); });
    completion = [lifeline] { lifeline->deliver([] { ADD_FAILURE() << "ran after cut"; }); };
    lifeline->cut();
  }
  std::thread([&completion] { completion(); }).join();  // from another thread, owner gone
  completion = nullptr;
  ASSERT_EQ(strand.size(), 1u);
  strand[0]();
}

}  // namespace
}  // namespace rollguard
