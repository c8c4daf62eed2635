#include "controller/service/removal_note.hpp"

#include "manifests/overloaded.hpp"

namespace rollguard {

std::string removal_note(const RolloutSpec& spec, const std::string& known_good, bool rolled_back) {
  const std::string& kg = known_good.empty() ? std::string("the known-good version") : known_good;
  const std::string instances = std::visit(
      Overloaded{[&](const ProcessTarget&) {
                   return "the instances rollguard started are stopped (" + kg + " too)";
                 },
                 [&](const StaticTarget&) { return kg + " keeps running on its static endpoints"; },
                 [&](const CommandTarget&) {
                   return kg + " stays deployed (the command target's teardown is not run for it)";
                 }},
      spec.target);
  const std::string router = std::visit(
      Overloaded{[&](const BuiltinRouter& b) {
                   if (!b.admin.empty())  // a process of its own: it keeps its last split
                     return "the standalone router on " + b.listen +
                            " keeps sending all traffic to " + kg;
                   return "the built-in router on " + b.listen + " is closed";
                 },
                 [&](const HaproxyRouter&) { return "HAProxy keeps sending all traffic to " + kg; },
                 [&](const NginxRouter&) { return "nginx keeps sending all traffic to " + kg; },
                 [&](const CommandRouter&) {
                   return "the router keeps the split its command last set: all traffic to " + kg;
                 },
                 [](const NoRouter&) { return std::string(); }},
      spec.traffic.router);
  std::string note = "removed: no longer managed; ";
  if (rolled_back) note += spec.canary + " was rolled back first; ";
  note += instances;
  if (!router.empty()) note += "; " + router;
  return note;
}

}  // namespace rollguard
