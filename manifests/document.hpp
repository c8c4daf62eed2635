#pragma once
// A manifest as one tree whatever it was written in. YAML (yaml-cpp) and JSON (nlohmann)
// both load into nlohmann::json, with the source position of every key and value kept aside
// under its JSON pointer, so one typed reader serves both formats and the same document in
// YAML or JSON reads into equal structs.
//
// Format detection (Format::Auto): a ".json" file name is JSON and ".yaml"/".yml" is YAML.
// Otherwise text whose first non-blank character is '{' or '[' is tried as JSON first and,
// only if that fails, as YAML (JSON is nearly a subset of YAML; a YAML flow map such as
// `{a: 1}` is not JSON); when both fail, the JSON error is reported. Anything else is YAML.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "manifests/diagnostic.hpp"

namespace rollguard {

enum class Format { Auto, Yaml, Json };

struct Location {
  int line = 0;  // 1-based; 0: unknown
  int column = 0;
};

class Document {
 public:
  struct Marks {
    Location key;     // where the map key naming this value is, if any
    Location value;   // where the value starts
    std::string raw;  // the scalar as written (YAML only), for hints such as quoting 1.10
  };

  Document(nlohmann::json root, std::string file, Format format,
           std::map<std::string, Marks> marks);

  const nlohmann::json& root() const { return root_; }
  const std::string& file() const { return file_; }
  Format format() const { return format_; }

  // Positions for a JSON pointer ("/spec/strategy/canary/steps/2"). A pointer with no mark
  // of its own (a missing key, or JSON whose positions could not be recovered) falls back to
  // its nearest ancestor that has one; nothing known gives {0, 0}.
  Location value_location(const std::string& pointer) const;
  Location key_location(const std::string& pointer) const;
  const std::string* raw_scalar(const std::string& pointer) const;

 private:
  const Marks* nearest(const std::string& pointer) const;

  nlohmann::json root_;
  std::string file_;
  Format format_;
  std::map<std::string, Marks> marks_;
};

struct LoadedDocument {
  std::optional<Document> document;
  Diagnostics diagnostics;  // syntax errors; empty when document is set
};

// `file` labels diagnostics and drives Format::Auto; it is not opened.
LoadedDocument load_document(std::string_view text, Format format, const std::string& file);

// Reads the file; an unreadable file is a diagnostic, not an exception.
LoadedDocument load_document_file(const std::string& path, Format format = Format::Auto);

// Appends a reference token to a JSON pointer, escaping '~' and '/'.
std::string pointer_append(const std::string& pointer, std::string_view token);

}  // namespace rollguard
