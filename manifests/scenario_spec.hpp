#pragma once
// The v1 Scenario (simulation) manifest as plain structs (docs/manifest.md, "Scenario").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "manifests/rollout_spec.hpp"

namespace rollguard {

struct LatencyModel {  // a log-normal fitted through p50 and p99
  Duration p50 = 40ms;
  Duration p99 = 180ms;
  bool operator==(const LatencyModel&) const = default;
};

// Switches on `at` after the version starts serving; unset fields leave the behaviour as is.
struct Fault {
  Duration at = 0s;
  std::optional<double> errorRate;
  std::optional<double> latencyFactor;
  bool crash = false;  // instances stop answering requests and probes
  bool operator==(const Fault&) const = default;
};

struct VersionBehaviour {
  double errorRate = 0.0;  // 0..1 per request
  LatencyModel latency;
  std::vector<Fault> faults;
  bool operator==(const VersionBehaviour&) const = default;
};

struct RateChange {
  Duration at = 0s;
  double rps = 0;
  bool operator==(const RateChange&) const = default;
};

struct ScenarioSpec {
  std::string apiVersion = "rollguard.dev/v1";
  Metadata metadata;
  std::string rolloutPath;  // as written; empty when the rollout was inline
  RolloutSpec rollout;
  std::vector<RateChange> traffic;  // sorted by `at`; a constant rate is one entry at 0s
  Duration duration = 2h;           // virtual time cap
  VersionBehaviour stable;          // the baseline behaves as stable
  VersionBehaviour canary;
  double metricNoise = 0.0;  // relative noise on derived metrics
  int runs = 1;
  std::uint64_t seed = 1;
  bool operator==(const ScenarioSpec&) const = default;
};

}  // namespace rollguard
