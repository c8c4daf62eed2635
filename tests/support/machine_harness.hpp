#pragma once
// The state-machine tests drive the real machine through the dry-run world, step by step,
// switching its faults on where they need them.
#include "controller/machine/dry_run.hpp"

namespace rollguard::testing {

using MachineHarness = DryRun;

}  // namespace rollguard::testing
