// A Rollout manifest in YAML, read as `rollguard validate`, `run` and the API read one
// (parse_rollout_text, manifests/rollout_parser.hpp). Bad input is diagnostics, never an
// exception. A valid manifest must survive the round trip that manifests/manifest_json.hpp
// promises: written out with every default (as YAML, through yaml_emit) and read again, it is
// the same spec; and its JSON (what the store and `validate --explain` write) can be written.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "manifests/manifest_json.hpp"
#include "manifests/rollout_parser.hpp"
#include "manifests/yaml_emit.hpp"

using namespace rollguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Parsed<RolloutSpec> parsed = parse_rollout_text(text, Format::Yaml, "fuzz.yaml");
  for (const Diagnostic& d : parsed.diagnostics) (void)d.to_string();
  fuzz::check(parsed.ok() == parsed.diagnostics.empty(), "a value exactly when no diagnostics");
  if (!parsed.ok()) return 0;
  (void)to_json(*parsed.value)
      .dump();  // as the store writes it: throws on bytes that are not UTF-8
  const std::string yaml = to_yaml(to_json(*parsed.value));
  const Parsed<RolloutSpec> again = parse_rollout_text(yaml, Format::Yaml, "again.yaml");
  fuzz::check(again.ok(), "the written-out manifest does not read back:\n" + yaml +
                              (again.diagnostics.empty() ? "" : again.diagnostics[0].to_string()));
  fuzz::check(*again.value == *parsed.value,
              "the written-out manifest reads back different:\n" + yaml);
  return 0;
}
