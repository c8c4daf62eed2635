#include "manifests/rollout_parser.hpp"

#include "manifests/diagnostics_order.hpp"
#include "manifests/rollout_reader.hpp"

namespace rollguard {

Parsed<RolloutSpec> parse_rollout(const Document& document) {
  Parsed<RolloutSpec> out;
  RolloutSpec spec;
  Cursor root(document, out.diagnostics);
  read_rollout(root, spec);
  sort_diagnostics(out.diagnostics);
  if (out.diagnostics.empty()) out.value = std::move(spec);
  return out;
}

Parsed<RolloutSpec> parse_rollout_text(std::string_view text, Format format,
                                       const std::string& file_label) {
  LoadedDocument loaded = load_document(text, format, file_label);
  if (!loaded.document) return {std::nullopt, std::move(loaded.diagnostics)};
  return parse_rollout(*loaded.document);
}

Parsed<RolloutSpec> load_rollout_file(const std::string& path) {
  LoadedDocument loaded = load_document_file(path);
  if (!loaded.document) return {std::nullopt, std::move(loaded.diagnostics)};
  return parse_rollout(*loaded.document);
}

}  // namespace rollguard
