#include "controller/service/manifest_body.hpp"

#include "controller/service/api_error.hpp"
#include "manifests/document.hpp"
#include "manifests/rollout_parser.hpp"

namespace rollguard {

RolloutSpec manifest_from_body(const std::string& content_type, const std::string& body) {
  Format format = Format::Auto;
  if (content_type == "application/json")
    format = Format::Json;
  else if (content_type == "application/yaml" || content_type == "application/x-yaml" ||
           content_type == "text/yaml")
    format = Format::Yaml;
  else if (!content_type.empty())
    throw UnsupportedMediaType(
        "UnsupportedMediaType",
        "send the manifest as application/json or application/yaml, not " + content_type);
  if (body.empty()) throw BadRequest("MalformedBody", "the request has no manifest in its body");
  LoadedDocument loaded = load_document(body, format, {});
  if (!loaded.document)
    throw BadRequest(
        "MalformedBody",
        loaded.diagnostics.empty() ? "the body does not parse" : loaded.diagnostics.front().message,
        loaded.diagnostics);
  Parsed<RolloutSpec> parsed = parse_rollout(*loaded.document);
  if (!parsed.ok())
    throw Unprocessable("InvalidManifest",
                        std::to_string(parsed.diagnostics.size()) +
                            " problem(s), the first: " + parsed.diagnostics.front().to_string(),
                        parsed.diagnostics);
  return std::move(*parsed.value);
}

}  // namespace rollguard
