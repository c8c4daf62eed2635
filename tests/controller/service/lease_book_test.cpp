// ctest: unit
// The leases a replica trusts without asking: until the local deadline of the renewal that
// confirmed them; one missing from a renewal is lost, unless acquired after it was sent.
#include "controller/service/lease_book.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(LeaseBook, ALeaseIsTrustedUntilItsDeadlineOnly) {
  LeaseBook book;
  book.hold("a", 3, Clock::now() + 1h);
  book.hold("b", 1, Clock::now() - 1ms);
  EXPECT_EQ(book.epoch_of("a"), 3);
  EXPECT_EQ(book.why_not("a"), "");
  EXPECT_EQ(book.epoch_of("b"), std::nullopt);
  EXPECT_NE(book.why_not("b").find("was not renewed in time"), std::string::npos);
  EXPECT_NE(book.why_not("c").find("holds no lease of c"), std::string::npos);
}

TEST(LeaseBook, ARenewalExtendsWhatItConfirmsAndLosesTheRest) {
  LeaseBook book;
  const auto sent = Clock::now();
  book.hold("kept", 2, sent - 1ms);
  book.hold("taken", 1, sent + 1h);
  book.hold("new epoch", 4, sent + 1h);
  const auto lost = book.renewed({{"kept", 2}, {"new epoch", 5}}, sent + 1h, sent + 2h);
  EXPECT_EQ(lost, (std::vector<std::string>{"new epoch", "taken"}));
  EXPECT_EQ(book.epoch_of("kept"), 2);  // its deadline moved on
  EXPECT_EQ(book.rollouts(), std::vector<std::string>{"kept"});
}

TEST(LeaseBook, ALeaseAcquiredAfterTheRenewalWasSentIsNotLost) {
  LeaseBook book;
  const auto sent = Clock::now() - 1s;  // the renewal went out before the acquisition
  book.hold("fresh", 1, Clock::now() + 1h);
  EXPECT_TRUE(book.renewed({}, sent, sent + 1h).empty());
  EXPECT_EQ(book.epoch_of("fresh"), 1);
}

}  // namespace
}  // namespace rollguard
