// A Rollout manifest in JSON (parse_rollout_text, manifests/rollout_parser.hpp), which also
// runs yaml-cpp over the same text for positions and duplicate keys. Bad input is diagnostics,
// never an exception. A valid manifest written out as JSON with every default
// (manifests/manifest_json.hpp) reads back as the same spec.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"

using namespace rollguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Parsed<RolloutSpec> parsed = parse_rollout_text(text, Format::Json, "fuzz.json");
  for (const Diagnostic& d : parsed.diagnostics) (void)d.to_string();
  fuzz::check(parsed.ok() == parsed.diagnostics.empty(), "a value exactly when no diagnostics");
  if (!parsed.ok()) return 0;
  const std::string json = to_json(*parsed.value).dump();
  const Parsed<RolloutSpec> again = parse_rollout_text(json, Format::Json, "again.json");
  fuzz::check(again.ok(), "the written-out manifest does not read back:\n" + json +
                              (again.diagnostics.empty() ? "" : again.diagnostics[0].to_string()));
  fuzz::check(*again.value == *parsed.value,
              "the written-out manifest reads back different:\n" + json);
  return 0;
}
