#pragma once
// Traffic through an operator's HAProxy: server weights (and, where the route table lists
// endpoints, server addresses) set through the runtime API, then read back with
// `show servers state` and compared; only a match is a confirmation (docs/routers.md).
// The preview flag is not acted on: HAProxy can send the preview header to the canary servers
// only through a rule in the operator's own configuration.
#include <boost/asio/any_io_executor.hpp>

#include "controller/ports/router_driver.hpp"
#include "controller/ports/serial_jobs.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct HaproxyRouterOptions {
  Duration timeout = 2s;  // per runtime API command, connect to answer
};

class HaproxyRouterDriver : public RouterDriver {
 public:
  HaproxyRouterDriver(HaproxyRouter spec, boost::asio::any_io_executor executor,
                      HaproxyRouterOptions options = {});

  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

 private:
  HaproxyRouter spec_;
  HaproxyRouterOptions options_;
  SerialJobs::Strand strand_;
  SerialJobs jobs_;
};

}  // namespace rollguard
