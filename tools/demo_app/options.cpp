#include "tools/demo_app/options.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>

#include "manifests/duration.hpp"

namespace rollguard::demo {
namespace {

const CLI::Validator kDuration(
    [](std::string& text) -> std::string {
      return parse_duration(text) ? ""
                                  : "'" + text + "' is not a duration (e.g. 250ms, 30s, 1m30s)";
    },
    "DURATION");

const CLI::Validator kAddress(
    [](std::string& text) -> std::string {
      boost::system::error_code ec;
      boost::asio::ip::make_address(text, ec);
      return ec ? "'" + text + "' is not an IPv4 or IPv6 address" : "";
    },
    "ADDRESS");

void add_duration(CLI::App& app, const std::string& name, Duration& target,
                  const std::string& help) {
  app.add_option_function<std::string>(
         name, [&target](const std::string& text) { target = *parse_duration(text); }, help)
      ->check(kDuration)
      ->default_str(format_duration(target));
}

}  // namespace

void bind_options(CLI::App& app, DemoOptions& o) {
  // A version's behaviour can live in a file (`--config examples/demo/{{version}}.ini`), so
  // that one argv template in a manifest starts a healthy stable and a failing canary.
  app.set_config("--config", "", "Read flags from an INI/TOML file (key = value, no dashes)");
  app.add_option("--listen-address", o.listen_address, "Address to bind")
      ->check(kAddress)
      ->capture_default_str();
  app.add_option("--port", o.port, "Port to bind; 0 picks a free one")->capture_default_str();
  app.add_option("--threads", o.threads, "I/O threads")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64}))
      ->capture_default_str();
  app.add_option("--version", o.version,
                 "Version label: X-Version header, / and the metrics' version label")
      ->capture_default_str();

  app.add_option("--error-rate", o.error_rate, "Fraction (0..1) of requests answered 500")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  add_duration(app, "--error-after", o.error_after,
               "The error and reset rates apply from this uptime on");
  app.add_option("--reset-rate", o.reset_rate,
                 "Fraction (0..1) of requests whose connection is reset without an answer")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed for the error and jitter draws (default: random)");

  add_duration(app, "--latency", o.latency, "Delay added to every application request");
  add_duration(app, "--latency-jitter", o.latency_jitter,
               "Plus a uniform random delay in [0, jitter]");

  add_duration(app, "--crash-after", o.crash_after,
               "Exit abruptly with status 1 after this uptime (0s: never)");
  add_duration(app, "--slow-start", o.slow_start,
               "Answer 503 (and /healthz 503) until this uptime");
  app.add_flag("--fail-readiness", o.fail_readiness, "/healthz always answers 503");

  app.add_option("--memory-growth", o.memory_growth, "Bytes retained per request (a leak)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  app.add_option("--memory-cap", o.memory_cap, "The leak stops growing at this many bytes")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();

  app.add_flag("--exit-with-parent", o.exit_with_parent,
               "Die when the parent process dies (Linux PR_SET_PDEATHSIG)");
}

}  // namespace rollguard::demo
