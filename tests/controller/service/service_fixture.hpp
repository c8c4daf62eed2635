#pragma once
// LocalRolloutService tests: a real SQLite file in a temp dir, real strands and timers, static
// targets with traffic `none` (nothing to start, so the machine moves on its own timers).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "controller/service/local_rollout_service.hpp"
#include "manifests/rollout_parser.hpp"
#include "support/temp_dir.hpp"
#include "tests/health/run_until.hpp"

namespace rollguard::testing {

// `steps` is the YAML list of canary steps, e.g. "[{setWeight: 50}, {pause: {}}]".
inline RolloutSpec service_spec(const std::string& name, const std::string& canary,
                                const std::string& steps, bool with_stable = true) {
  std::string yaml =
      "apiVersion: rollguard.dev/v1\nkind: Rollout\nmetadata: {name: " + name + "}\nspec:\n";
  if (with_stable) yaml += "  stable: {version: \"1.0.0\"}\n";
  yaml += "  canary: {version: \"" + canary + "\"}\n" +
          "  target: {static: {stable: [\"127.0.0.1:9\"], canary: [\"127.0.0.1:9\"]}}\n"
          "  traffic: {none: {}}\n"
          "  strategy: {canary: {steps: " +
          steps + "}}\n  rollback: {progressDeadline: 1m, keepPreviousFor: 0s}\n";
  Parsed<RolloutSpec> parsed = parse_rollout_text(yaml, Format::Yaml, name + ".yaml");
  for (const Diagnostic& d : parsed.diagnostics) ADD_FAILURE() << d.to_string();
  return parsed.value.value_or(RolloutSpec{});
}

inline std::unique_ptr<LocalRolloutService> open_service(const TempDir& dir, int threads = 2) {
  ServiceOptions options;
  options.data_dir = dir.path().string();
  options.threads = threads;
  auto opened = LocalRolloutService::open(options);
  if (auto* e = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *e;
    return nullptr;
  }
  auto service = std::get<std::unique_ptr<LocalRolloutService>>(std::move(opened));
  service->adopt();
  return service;
}

inline bool in_phase(const RolloutService& s, const std::string& name, Phase phase) {
  auto status = s.get(name);
  return status && status->state.phase == phase;
}

// seq runs 1..n without a gap and no PhaseChanged repeats the phase before it.
inline ::testing::AssertionResult well_formed(const std::vector<StoredEvent>& events) {
  const StoredEvent* last = nullptr;  // the last phase change of the current revision
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].seq != static_cast<std::int64_t>(i) + 1)
      return ::testing::AssertionFailure() << "seq " << events[i].seq << " at index " << i;
    if (last && last->revision != events[i].revision) last = nullptr;
    if (events[i].event.kind != EventKind::PhaseChanged) continue;
    if (last && last->event.phase == events[i].event.phase)
      return ::testing::AssertionFailure() << "phase " << to_string(events[i].event.phase)
                                           << " entered twice at seq " << events[i].seq;
    last = &events[i];
  }
  return ::testing::AssertionSuccess();
}

}  // namespace rollguard::testing
