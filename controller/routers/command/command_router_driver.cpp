#include "controller/routers/command/command_router_driver.hpp"

#include "controller/os/process_failure.hpp"
#include "controller/routers/route_weights.hpp"
#include "health/process/argv_template.hpp"
#include "health/process/subprocess.hpp"

namespace rollguard {

StringMap command_router_vars(const RouteTable& table, const StringMap& extra) {
  StringMap vars = extra;
  vars["weight"] = percent_text(table.split.canary);
  vars["canary"] = percent_text(table.split.canary);
  vars["stable"] = percent_text(table.split.stable);
  vars["baseline"] = percent_text(table.split.baseline);
  vars["preview"] = table.preview ? "true" : "false";
  return vars;
}

CommandRouterDriver::CommandRouterDriver(CommandRouter spec, boost::asio::any_io_executor executor,
                                         CommandRouterOptions options)
    : spec_(std::move(spec)),
      options_(std::move(options)),
      strand_(boost::asio::make_strand(executor)),
      jobs_(strand_) {}

void CommandRouterDriver::apply(const RouteTable& table,
                                std::function<void(std::string error)> done) {
  Argv argv = render_argv(spec_.setWeight, command_router_vars(table, options_.vars));
  jobs_.submit([argv = std::move(argv), timeout = options_.timeout, strand = strand_,
                done = std::move(done)](std::function<void()> finished) mutable {
    if (argv.empty()) {
      finished();
      return done("command router: the setWeight command is empty");
    }
    run_process(strand, ProcessSpec{argv, {}, 4096}, timeout,
                [argv, timeout, done = std::move(done),
                 finished = std::move(finished)](ProcessResult result) {
                  finished();
                  const std::string failure = describe_process_failure(argv, result, timeout);
                  done(failure.empty() ? "" : "command router: " + failure);
                });
  });
}

}  // namespace rollguard
