#pragma once
// Traffic through any tool the operator has (a cloud load balancer's CLI, a service mesh,
// a script): the `setWeight` argv runs once per route table with these templates filled in:
//   {{weight}}, {{canary}}  the canary's percent      {{stable}}, {{baseline}}  theirs
//   {{preview}}             "true" or "false"
// plus any given by the caller (e.g. {{name}}). Percentages are written without trailing
// zeros ("5", "0.5", "33.333", at most three decimals). Exit 0 within the timeout is the
// confirmation: the command must not exit 0 before the split is in place.
#include <boost/asio/any_io_executor.hpp>

#include "controller/ports/router_driver.hpp"
#include "controller/ports/serial_jobs.hpp"
#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct CommandRouterOptions {
  Duration timeout = 60s;
  StringMap vars;  // more {{templates}}, e.g. {"name": "checkout"}
};

// The template values for one route table, as the command receives them.
StringMap command_router_vars(const RouteTable& table, const StringMap& extra);

class CommandRouterDriver : public RouterDriver {
 public:
  CommandRouterDriver(CommandRouter spec, boost::asio::any_io_executor executor,
                      CommandRouterOptions options = {});

  void apply(const RouteTable& table, std::function<void(std::string error)> done) override;

 private:
  CommandRouter spec_;
  CommandRouterOptions options_;
  SerialJobs::Strand strand_;
  SerialJobs jobs_;
};

}  // namespace rollguard
