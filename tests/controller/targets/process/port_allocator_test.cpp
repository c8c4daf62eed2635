// ctest: integration
#include "controller/targets/process/port_allocator.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <vector>

#include "support/free_port.hpp"

namespace rollguard {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

TEST(PortAllocator, HandsOutDistinctPortsInTheRangeUntilItIsExhausted) {
  // A port that was free a moment ago, with the next few: the tests occupy some of them.
  const int first = testing::free_port();
  PortAllocator ports(first, first);
  const auto port = ports.acquire();
  ASSERT_TRUE(port);
  EXPECT_EQ(*port, first);
  EXPECT_FALSE(ports.acquire());  // held by us
  ports.release(first);
  EXPECT_EQ(ports.acquire(), first);
}

struct OccupiedCase {
  const char* name;
  const char* address;  // where something listens on the range's first port
};

class PortAllocatorOccupied : public ::testing::TestWithParam<OccupiedCase> {};

TEST_P(PortAllocatorOccupied, SkipsAPortSomethingListensOn) {
  net::io_context io;
  tcp::acceptor occupant(io, {net::ip::make_address(GetParam().address), 0});
  const int taken = occupant.local_endpoint().port();
  EXPECT_FALSE(port_is_free(taken));
  PortAllocator ports(taken, taken);
  EXPECT_FALSE(ports.acquire());
  occupant.close();
  EXPECT_TRUE(port_is_free(taken));
  EXPECT_EQ(ports.acquire(), taken);
}

INSTANTIATE_TEST_SUITE_P(Listeners, PortAllocatorOccupied,
                         ::testing::Values(OccupiedCase{"Loopback", "127.0.0.1"},
                                           OccupiedCase{"Any", "0.0.0.0"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PortAllocator, GoesRoundTheRangeBeforeReusingAPort) {
  // A port that was free a moment ago, with the next few: the tests occupy some of them.
  const int first = testing::free_port();
  PortAllocator ports(first, first + 2);
  const auto a = ports.acquire();
  ASSERT_TRUE(a);
  ports.release(*a);
  const auto b = ports.acquire();
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b);  // the next one, not the one just given back
  EXPECT_GE(*b, first);
  EXPECT_LE(*b, first + 2);
}

}  // namespace
}  // namespace rollguard
