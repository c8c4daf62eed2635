#pragma once
// Where versions run (docs/manifest.md, `spec.target`; docs/targets.md): process | static |
// command. A driver is asked for a number of instances of a version per role and reports, as it
// happens, how many are ready and which endpoints they answer on, and when one dies or never
// becomes ready. Drivers run on the executor they were given; reports arrive on it.
#include <functional>
#include <string>
#include <vector>

#include "manifests/vocabulary.hpp"

namespace rollguard {

struct TargetReport {
  Role role = Role::Canary;
  int ready = 0;                       // instances of `role` that pass their readiness check
  std::vector<std::string> endpoints;  // "host:port" of the ready ones
  std::string failure;                 // non-empty: an instance died or never became ready, and why
};

// The endpoints a static or command target lists for `role`.
template <class Target>
const auto& endpoints_of(const Target& spec, Role role) {
  return role == Role::Stable ? spec.stable : role == Role::Canary ? spec.canary : spec.baseline;
}

class TargetDriver {
 public:
  virtual ~TargetDriver() = default;

  // Make `role` run `version` with `count` instances; 0 tears the role down. Calling it again
  // with the same arguments changes nothing; a new version replaces the role's instances.
  virtual void scale(Role role, const std::string& version, int count) = 0;

  // Called on every change of a role's readiness and on every failure.
  virtual void on_report(std::function<void(const TargetReport&)> observer) = 0;

  // Stops every instance this driver started (SIGTERM, then SIGKILL for processes); `done`
  // runs when they are gone.
  virtual void shutdown(std::function<void()> done) = 0;
};

}  // namespace rollguard
