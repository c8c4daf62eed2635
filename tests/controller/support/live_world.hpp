#pragma once
// What an end-to-end test of a live rollout needs around LiveRollout: a scratch directory for
// the demo app's per-version flag files, the manifest that runs the demo app behind the
// built-in router, steady load through the router's port, a wait for the rollout to settle,
// and a count of which versions answer through the router.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/runtime/live_rollout.hpp"
#include "manifests/rollout_parser.hpp"
#include "support/free_port.hpp"
#include "support/http_load.hpp"
#include "support/port_block.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_client.hpp"

namespace rollguard::live_test {

// The first of 20 ports for this test process's instances.
inline int port_range_start() {
  return testing::port_block(20).first;
}

// The demo app's flags per version as INI files: 1.0.0 plain, 2.0.0 with `canary_flags`, in a
// directory of their own that goes with this object.
class DemoAppFlags {
 public:
  DemoAppFlags(const std::string& label, const std::string& canary_flags) : dir_(label) {
    std::ofstream(dir_.file("1.0.0.ini")) << "";
    std::ofstream(dir_.file("2.0.0.ini")) << canary_flags;
  }
  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  testing::TempDir dir_;
};

// A rollout `name` of the demo app from 1.0.0 to 2.0.0 up to its `traffic`: one process per
// version with its flags from `flags`, on this test process's block of ports, behind the
// built-in router on `router_port`. The caller appends `  strategy:` and what follows.
inline std::string demo_app_rollout(const std::string& name, const DemoAppFlags& flags,
                                    std::uint16_t router_port,
                                    const std::string& readiness_timeout = "20s") {
  const int first = port_range_start();
  return R"(apiVersion: rollguard.dev/v1
kind: Rollout
metadata: {name: )" +
         name + R"(}
spec:
  stable: {version: "1.0.0"}
  canary: {version: "2.0.0"}
  target:
    process:
      command: [")" +
         std::string(ROLLGUARD_DEMO_APP) +
         R"(", "--port", "{{port}}", "--version", "{{version}}", "--config", ")" +
         (flags.path() / "{{version}}.ini").string() + R"("]
      instances: 1
      portRange: [)" +
         std::to_string(first) + ", " + std::to_string(first + 19) + R"(]
      readiness: {http: {path: /healthz}, timeout: )" +
         readiness_timeout + R"(}
  traffic:
    builtin: {listen: "127.0.0.1:)" +
         std::to_string(router_port) + R"("}
)";
}

inline RolloutSpec parse_spec(const std::string& yaml) {
  Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, "live.yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string() << "\n" << yaml;
  return parsed.value ? *parsed.value : RolloutSpec{};
}

// The events a rollout emitted, readable from the test thread while it runs.
class EventLog {
 public:
  Reconciler::EventSink sink(std::function<void(const Event&)> also = {}) {
    return [this, also](const Event& e, const RolloutState&) {
      if (also) also(e);
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    };
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  bool entered(Phase phase) const {
    for (const Event& e : events())
      if (e.kind == EventKind::PhaseChanged && e.phase == phase) return true;
    return false;
  }
  std::string dump() const {
    std::string text;
    for (const Event& e : events())
      text += std::string(to_string(e.phase)) + ": " + e.reason + "\n";
    return text;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Event> events_;
};

// Waits (with traffic through `router_port`) until `done(state)` or 90 s; the last state.
inline RolloutState run_until(LiveRollout& live, std::uint16_t router_port,
                              const std::function<bool(const RolloutState&)>& done) {
  testing::Load load(router_port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  RolloutState s = live.state();
  while (std::chrono::steady_clock::now() < deadline && !done(s)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = live.state();
  }
  return s;
}

// Until terminal with every instance the terminal phase does not need gone.
inline RolloutState run_to_end(LiveRollout& live, std::uint16_t router_port) {
  return run_until(live, router_port,
                   [&](const RolloutState& s) { return is_terminal(s.phase) && live.settled(); });
}

// X-Version of `requests` answers through the router (errors counted as "error").
inline std::map<std::string, int> versions_served(std::uint16_t router_port, int requests) {
  std::map<std::string, int> seen;
  testing::TestHttpClient client(router_port, std::chrono::seconds(5));
  for (int i = 0; i < requests; ++i) {
    const auto response = client.get("/");
    ++seen[response.status < 500 ? response.header("X-Version") : "error"];
  }
  return seen;
}

}  // namespace rollguard::live_test
