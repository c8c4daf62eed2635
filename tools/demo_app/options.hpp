#pragma once
// The demo app's behaviour, as set by its command-line flags. Member initializers are the
// documented defaults (docs/demo-app.md).
#include <cstdint>
#include <optional>
#include <string>

#include "manifests/time.hpp"

namespace CLI {
class App;
}

namespace rollguard::demo {

struct DemoOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks a free port, printed on stdout
  std::size_t threads = 2;
  std::string version = "dev";

  double error_rate = 0.0;            // fraction of application requests answered 500
  Duration error_after = 0ms;         // the error rate applies only from this uptime on
  std::optional<std::uint64_t> seed;  // unset: a random seed per process
  double reset_rate = 0.0;            // fraction of application requests reset (TCP RST, no answer)

  Duration latency = 0ms;         // added to every application request
  Duration latency_jitter = 0ms;  // plus a uniform draw in [0, jitter]

  Duration crash_after = 0ms;   // 0: never; else the process _exits(1) after this uptime
  Duration slow_start = 0ms;    // everything but /metrics answers 503 until this uptime
  bool fail_readiness = false;  // /healthz always 503

  std::size_t memory_growth = 0;        // bytes retained per application request (a leak)
  std::size_t memory_cap = 256u << 20;  // the leak stops growing here

  bool exit_with_parent = false;  // PR_SET_PDEATHSIG: die with the process that started us
};

// Declares every flag on `app`, writing into `options` when the app parses. Durations use the
// manifest syntax ("250ms", "1m30s"); sizes accept units ("64KiB", "1MB").
void bind_options(CLI::App& app, DemoOptions& options);

}  // namespace rollguard::demo
