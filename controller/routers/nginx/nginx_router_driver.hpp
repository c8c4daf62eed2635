#pragma once
// Traffic through an operator's nginx: the router owns one upstream file (nginx_upstream.hpp),
// replaces it atomically, has nginx test it (`-t` with the reload command's own options),
// runs the reload command and re-reads the file. A config nginx rejects is rolled back to the
// previous file before the error is reported, so that a later reload cannot pick it up.
// What "confirmed" means here, and what it cannot mean, is in docs/routers.md.
#include <boost/asio/any_io_executor.hpp>

#include "controller/ports/router_driver.hpp"
#include "controller/ports/serial_jobs.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct NginxRouterOptions {
  Duration timeout = 30s;  // per command (config test, reload)
};

class NginxRouterDriver : public RouterDriver {
 public:
  NginxRouterDriver(NginxRouter spec, boost::asio::any_io_executor executor,
                    NginxRouterOptions options = {});

  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

 private:
  NginxRouter spec_;
  NginxRouterOptions options_;
  SerialJobs::Strand strand_;
  SerialJobs jobs_;
};

}  // namespace rollguard
