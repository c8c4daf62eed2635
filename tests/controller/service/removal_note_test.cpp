// What `delete` says it leaves (issue 21: it said "traffic stays on the known-good" while it
// stopped the instances and the built-in router): one case per target and router kind.
#include "controller/service/removal_note.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace rollguard {
namespace {

struct NoteCase {
  const char* name;
  TargetSpec target;
  RouterSpec router;
  bool rolled_back;
  std::string note;
};

// ctest lists a case by its name rather than its bytes.
void PrintTo(const NoteCase& c, std::ostream* os) {
  *os << c.name;
}

class RemovalNote : public ::testing::TestWithParam<NoteCase> {};

TEST_P(RemovalNote, SaysWhatStopsAndWhatKeepsServing) {
  const NoteCase& c = GetParam();
  RolloutSpec spec;
  spec.canary = "2.0.0";
  spec.target = c.target;
  spec.traffic.router = c.router;
  EXPECT_EQ(removal_note(spec, "1.0.0", c.rolled_back), c.note);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, RemovalNote,
    ::testing::Values(
        NoteCase{"process_builtin_active", ProcessTarget{}, BuiltinRouter{"127.0.0.1:8080", ""},
                 true,
                 "removed: no longer managed; 2.0.0 was rolled back first; the instances "
                 "rollguard started are stopped (1.0.0 too); the built-in router on "
                 "127.0.0.1:8080 is closed"},
        NoteCase{"static_standalone_router", StaticTarget{},
                 BuiltinRouter{"10.0.0.5:8080", "10.0.0.5:8081"}, false,
                 "removed: no longer managed; 1.0.0 keeps running on its static endpoints; the "
                 "standalone router on 10.0.0.5:8080 keeps sending all traffic to 1.0.0"},
        NoteCase{"static_haproxy", StaticTarget{}, HaproxyRouter{}, false,
                 "removed: no longer managed; 1.0.0 keeps running on its static endpoints; "
                 "HAProxy keeps sending all traffic to 1.0.0"},
        NoteCase{"command_nginx", CommandTarget{}, NginxRouter{}, false,
                 "removed: no longer managed; 1.0.0 stays deployed (the command target's "
                 "teardown is not run for it); nginx keeps sending all traffic to 1.0.0"},
        NoteCase{"static_command_router", StaticTarget{}, CommandRouter{}, false,
                 "removed: no longer managed; 1.0.0 keeps running on its static endpoints; the "
                 "router keeps the split its command last set: all traffic to 1.0.0"},
        NoteCase{"static_no_router", StaticTarget{}, NoRouter{}, false,
                 "removed: no longer managed; 1.0.0 keeps running on its static endpoints"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rollguard
