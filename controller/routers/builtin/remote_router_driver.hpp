#pragma once
// The RouterDriver over a standalone `rollguard router` (traffic.builtin.admin): PUTs the
// route table to its admin API, then GETs it back and compares, so a confirmation means the
// data plane holds this table. An unreachable router, a refusal or a read-back that differs
// (another controller wrote in between) is an error naming the router; the reconciler
// retries, as with any external router. The router keeps its last table whatever happens to
// the controller.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "controller/ports/router_driver.hpp"
#include "controller/ports/serial_jobs.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct RemoteRouterOptions {
  Duration timeout = 5s;  // per request (the PUT, then the read-back)
  std::string rollout;    // who sets the routes (metadata.name), recorded by the router
};

class RemoteRouterDriver final : public RouterDriver {
 public:
  RemoteRouterDriver(BuiltinRouter spec, boost::asio::any_io_executor executor,
                     RemoteRouterOptions options = {});
  ~RemoteRouterDriver() override;

  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

  struct Core;  // shared with requests in flight

 private:
  SerialJobs::Strand strand_;  // the HTTP client's and the jobs'
  std::shared_ptr<Core> core_;
  SerialJobs jobs_;
};

}  // namespace rollguard
