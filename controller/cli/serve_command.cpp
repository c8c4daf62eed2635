// `rollguard serve [--listen ADDR] [--data DIR | --store URI [--replica]] [--tokens FILE]
// [--tls-cert F --tls-key F]`: the long-lived controller. Opens the store (--data or --store),
// starts the HTTP API, re-adopts every rollout the store holds (the API answers
// /readyz with 503 until then), and runs until SIGTERM or SIGINT, which stop it
// gracefully: the API stops taking requests, each rollout stops between two
// transitions, and the next start resumes from the store.
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/host_name.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "controller/cli/commands.hpp"
#include "controller/service/api_server.hpp"
#include "controller/service/local_rollout_service.hpp"
#include "controller/service/replica_service.hpp"
#include "controller/service/webhook_sender.hpp"
#include "manifests/duration.hpp"

namespace rollguard::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:" + std::to_string(kDefaultApiPort);
  std::string data = "rollguard-data";
  std::string store;  // a postgresql:// URI instead of --data
  std::string tokens;
  std::string tls_cert, tls_key;
  int threads = 4;
  bool replica = false;  // one of several servers on --store (docs/ha.md)
  std::string lease_ttl = "5s", renew_every = "1s";
};

int serve(const ServeOptions& options) {
  ApiOptions api;
  if (auto error = api.set_listen(options.listen)) {
    std::cerr << "--listen: " << *error << "\n";
    return kUsage;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    std::cerr << "--tls-cert and --tls-key go together\n";
    return kUsage;
  }
  api.tokens_file = options.tokens;
  api.tls_cert = options.tls_cert;
  api.tls_key = options.tls_key;

  // Signals are taken by an asio signal_set rather than blocked: instances the
  // service starts inherit the signal mask, and they must still stop on
  // SIGTERM.
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGTERM, SIGINT);
  int received = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) received = signal;
  });

  if (!options.store.empty()) {
    if (auto bad = check_store_uri(options.store)) {
      std::cerr << "--store: " << *bad << "\n";
      return kUsage;
    }
  }
  ServiceOptions service_options;
  service_options.data_dir = options.data;
  service_options.store = options.store;
  service_options.holder = "rollguard serve pid " + std::to_string(::getpid()) + " on " +
                           boost::asio::ip::host_name() + ", API " + options.listen;
  service_options.threads = options.threads;
  auto wake_lag = std::make_shared<WakeLag>();
  service_options.on_wake_lag = [wake_lag](Duration late) { wake_lag->observe(late); };
  api.wake_lag = wake_lag;
  ReplicaOptions replica_options;
  if (options.replica) {
    const auto ttl = parse_duration(options.lease_ttl);
    const auto every = parse_duration(options.renew_every);
    if (options.store.empty() || !ttl || !every || *every <= Duration::zero() ||
        *ttl < *every * 3) {
      std::cerr << "--replica needs --store postgresql://..., and --lease-ttl at least three "
                   "times --renew-every (durations like 5s, 500ms)\n";
      return kUsage;
    }
    replica_options.lease_ttl = *ttl;
    replica_options.renew_every = *every;
    replica_options.safety_margin = std::min<Duration>(1s, *ttl / 4);
  }
  std::unique_ptr<LocalRolloutService> single;
  std::unique_ptr<ReplicaService> replica;
  std::string error;
  if (options.replica) {
    auto opened = ReplicaService::open(service_options, replica_options);
    if (auto* e = std::get_if<std::string>(&opened))
      error = *e;
    else
      replica = std::get<std::unique_ptr<ReplicaService>>(std::move(opened));
  } else {
    auto opened = LocalRolloutService::open(service_options);
    if (auto* e = std::get_if<std::string>(&opened))
      error = *e;
    else
      single = std::get<std::unique_ptr<LocalRolloutService>>(std::move(opened));
  }
  if (!error.empty()) {
    std::cerr << "rollguard serve: " << error << "\n";
    return kFailed;
  }
  LocalRolloutService& local = replica ? replica->local() : *single;
  RolloutService& service = replica ? static_cast<RolloutService&>(*replica) : local;
  // Each delivery's outcome goes into the log of the rollout it was about. A replica sends
  // the notifications of the rollouts it runs: of each event, once in all.
  WebhookSender webhooks(local, {},
                         [&local](const std::string& name, int revision, const Event& note) {
                           local.record_note(name, revision, note);
                         });

  ApiServer server(service, api, &local);
  if (auto error = server.start()) {
    std::cerr << "rollguard serve: " << *error << "\n";
    return kFailed;
  }
  std::cout << "rollguard serve: listening on " << (server.tls() ? "https://" : "http://")
            << api.address << ":" << server.port() << " ("
            << (options.store.empty() ? "data " + options.data : "store " + redacted(options.store))
            << (replica ? ", replica " + replica->id() : "") << ")" << std::endl;

  if (auto error = replica ? replica->start(api.address + ":" + std::to_string(server.port()))
                           : local.adopt()) {
    std::cerr << "rollguard serve: " << *error << "\n";
    server.stop();
    return kFailed;
  }
  for (const std::string& problem : local.problems()) spdlog::error("not resumed: {}", problem);
  spdlog::info("ready: {} rollouts under management", local.list().size());

  signals_io.run();  // until SIGTERM or SIGINT
  spdlog::info("signal {}: stopping; every rollout keeps its recorded state", received);
  server.stop();
  if (replica)
    replica->shutdown();
  else
    local.shutdown();
  if (!webhooks.drain())
    spdlog::warn("webhooks: {} not delivered before exit", webhooks.stats().pending);
  return kSucceeded;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the controller: HTTP API, store, many rollouts");
  cmd->add_option("--listen", options->listen, "ADDR:PORT of the API (default 127.0.0.1:8470)");
  auto* data = cmd->add_option("--data", options->data,
                               "Directory of the SQLite store (default ./rollguard-data)");
  cmd->add_option("--store", options->store,
                  "PostgreSQL database instead of --data: postgresql://USER@HOST:PORT/DB")
      ->excludes(data);
  cmd->add_flag("--replica", options->replica,
                "One of several servers on the same --store: rollouts spread over them by lease");
  cmd->add_option("--lease-ttl", options->lease_ttl,
                  "With --replica: how long a rollout's lease lasts unrenewed (default 5s)");
  cmd->add_option("--renew-every", options->renew_every,
                  "With --replica: how often leases are renewed (default 1s)");
  cmd->add_option("--tokens", options->tokens, "CSV of token,name,role (viewer|operator)");
  cmd->add_option("--tls-cert", options->tls_cert, "PEM certificate: serve HTTPS");
  cmd->add_option("--tls-key", options->tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--threads", options->threads, "Threads the rollouts run on")
      ->check(CLI::Range(1, 64));
  cmd->footer(help_footer(
      {"rollguard serve                                  # 127.0.0.1:8470, ./rollguard-data",
       "rollguard serve --listen 0.0.0.0:8470 --tokens tokens.csv --data /var/lib/rollguard",
       "rollguard serve --tls-cert cert.pem --tls-key key.pem --tokens tokens.csv",
       "rollguard serve --store postgresql://rollguard@db:5432/rollguard --replica"},
      {{kSucceeded, "stopped by SIGTERM or SIGINT, gracefully"},
       {kUsage, "usage error (bad flags, tokens file)"},
       {kFailed, "could not start: the store, the listen address, or the data directory in use"}}));
  cmd->callback([options, &exit_code] { exit_code = serve(*options); });
}

}  // namespace rollguard::cli
