// `rollguard router --listen ADDR --admin ADDR [--threads N] [--preview-header NAME]
// [--drain-grace D]`: the built-in router as a process of its own (docs/routers.md, "A
// standalone router"). It takes traffic on --listen and is configured over the admin API on
// --admin by whichever controller owns the rollout. It starts with no routes (every request
// answers 503) and keeps the last split it was given for as long as it runs, whether or not
// a controller still talks to it. SIGTERM or SIGINT drain it: no new connections, requests in
// flight finish for up to --drain-grace.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "controller/cli/commands.hpp"
#include "controller/routers/builtin/admin/admin_server.hpp"
#include "controller/runtime/asio_waker.hpp"
#include "controller/service/log.hpp"
#include "manifests/duration.hpp"

namespace rollguard::cli {
namespace {

struct RouterCommandOptions {
  std::string listen;
  std::string admin;
  int threads = 2;
  std::string preview_header = "X-Rollguard-Preview";
  std::string drain_grace = "30s";
};

int run_router(const RouterCommandOptions& options) {
  const auto grace = parse_duration(options.drain_grace);
  if (!grace || *grace < Duration::zero()) {
    std::cerr << "--drain-grace: \"" << options.drain_grace
              << "\" is not a duration (like 30s, 500ms)\n";
    return kUsage;
  }
  for (const auto& [flag, address] :
       {std::pair{"--listen", &options.listen}, std::pair{"--admin", &options.admin}}) {
    const auto resolved = resolve_endpoint(*address);
    if (const auto* error = std::get_if<std::string>(&resolved)) {
      std::cerr << flag << ": " << *error << "\n";
      return kUsage;
    }
  }
  // Taken before any thread starts, so that no thread gets them by default.
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGTERM, SIGINT);
  int received = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) received = signal;
  });

  SystemClock clock;
  OutcomeLog outcomes;
  RouterOptions router_options;
  router_options.listen = options.listen;
  router_options.previewHeader = options.preview_header;
  router_options.threads = options.threads;
  BuiltinRouterServer router(router_options, clock, outcomes);
  if (auto error = router.start()) {
    std::cerr << "rollguard router: --listen " << options.listen << ": " << *error << "\n";
    return kFailed;
  }
  RouterAdmin admin(router, outcomes, clock);
  AdminServerOptions admin_options;
  admin_options.listen = options.admin;
  AdminServer admin_server(admin, admin_options);
  if (auto error = admin_server.start()) {
    std::cerr << "rollguard router: --admin " << options.admin << ": " << *error << "\n";
    router.drain_and_stop(Duration::zero());
    return kFailed;
  }
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  const std::string admin_host = options.admin.substr(0, options.admin.rfind(':'));
  std::cout << "rollguard router: traffic on " << host << ":" << router.port() << ", admin on "
            << admin_host << ":" << admin_server.port() << std::endl;
  log_line(LogLevel::Info, "router started: no routes until a controller sets them",
           {{"listen", host + ":" + std::to_string(router.port())},
            {"admin", admin_host + ":" + std::to_string(admin_server.port())},
            {"threads", options.threads}});

  signals_io.run();  // until SIGTERM or SIGINT
  log_line(LogLevel::Info, "draining: the last split serves requests in flight",
           {{"signal", received}, {"revision", admin.revision()}});
  admin_server.stop();
  const bool clean = router.drain_and_stop(*grace);
  if (!clean)
    log_line(LogLevel::Warn, "requests still in flight at the drain deadline were cut off",
             {{"grace", options.drain_grace}});
  log_line(LogLevel::Info, "router stopped");
  return kSucceeded;
}

}  // namespace

void add_router_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RouterCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "router", "Run the built-in router as its own process, configured over an admin API");
  cmd->add_option("--listen", options->listen, "ADDR:PORT that takes traffic (port 0: any)")
      ->required();
  cmd->add_option("--admin", options->admin,
                  "ADDR:PORT of the admin API a controller sets the routes through")
      ->required();
  cmd->add_option("--threads", options->threads, "I/O threads of the data plane (default 2)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--preview-header", options->preview_header,
                  "Header that sends a request to the canary while preview is on "
                  "(default X-Rollguard-Preview)");
  cmd->add_option("--drain-grace", options->drain_grace,
                  "On SIGTERM, how long requests in flight may take (default 30s)");
  cmd->footer(
      help_footer({"rollguard router --listen 0.0.0.0:8080 --admin 127.0.0.1:8081",
                   "curl -s 127.0.0.1:8081/v1/routes                # the split it serves",
                   "# in the manifest: traffic: {builtin: {listen: \"10.0.0.5:8080\", admin: "
                   "\"10.0.0.5:8081\"}}"},
                  {{kSucceeded, "stopped by SIGTERM or SIGINT after draining"},
                   {kUsage, "usage error (bad flags or addresses)"},
                   {kFailed, "could not listen on --listen or --admin"}}));
  cmd->callback([options, &exit_code] { exit_code = run_router(*options); });
}

}  // namespace rollguard::cli
