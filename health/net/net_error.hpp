#pragma once
// One wording for network failures across probes, synthetic transactions and clients, so
// that a reason reads the same wherever it is shown: "connection refused",
// "timed out after 1s", "malformed response: bad version".
#include <boost/system/error_code.hpp>
#include <string>

#include "manifests/time.hpp"

namespace rollguard {

std::string describe_net_error(const boost::system::error_code& ec, Duration timeout);

}  // namespace rollguard
