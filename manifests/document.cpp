#include "manifests/document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "manifests/path.hpp"
#include "manifests/yaml_scalar.hpp"

namespace rollguard {
namespace {

// Aliases can make a small text expand enormously; a manifest is never this big.
constexpr std::size_t kMaxNodes = 100'000;
constexpr int kMaxDepth = 64;

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF), if any. yaml-cpp passes any bytes through, but
// a manifest is text: the JSON it becomes (the store, the API, `validate --explain`) must be
// UTF-8, and nlohmann refuses to write anything else.
std::optional<std::size_t> invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > s.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return i;
    }
    i += length;
  }
  return std::nullopt;
}

std::string not_utf8(std::string_view what, std::string_view s, std::size_t at) {
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(s[at]));
  return std::string(what) + " is not valid UTF-8 (byte " + byte + " at offset " +
         std::to_string(at) + "); a manifest is UTF-8 text";
}

Location location_of(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

// Walks a yaml-cpp tree into JSON, recording the marks of every key and value.
class YamlWalker {
 public:
  YamlWalker(std::map<std::string, Document::Marks>& marks, Diagnostics& diagnostics,
             const std::string& file)
      : marks_(marks), diagnostics_(diagnostics), file_(file) {}

  nlohmann::json walk(const YAML::Node& node, const std::string& pointer, const std::string& path,
                      Location key, int depth) {
    if (++nodes_ > kMaxNodes || depth > kMaxDepth) {
      // Said once, for the whole document: a path deep inside expanded aliases helps nobody.
      if (!too_big_reported_)
        fail({1, 1}, "",
             "the document is too large or too deeply nested (at most " +
                 std::to_string(kMaxNodes) + " values, " + std::to_string(kMaxDepth) +
                 " levels, counting expanded aliases)");
      too_big_reported_ = true;
      return nullptr;
    }
    Document::Marks& marks = marks_[pointer];
    marks.key = key;
    marks.value = location_of(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        // An empty value (`pause:`) is marked where the next token starts; its key is the
        // better place to point at.
        if (key.line > 0 && marks.value.line != key.line) marks.value = key;
        return nullptr;
      case YAML::NodeType::Scalar:
        if (const auto bad = invalid_utf8_at(node.Scalar())) {
          fail(marks.value, path, not_utf8("this value", node.Scalar(), *bad));
          return nullptr;
        }
        return scalar(node, marks);
      case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        std::size_t index = 0;
        for (const YAML::Node& item : node) {
          out.push_back(walk(item, pointer_append(pointer, std::to_string(index)),
                             path_append_index(path, index), {}, depth + 1));
          ++index;
        }
        return out;
      }
      case YAML::NodeType::Map: {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
          const Location key_location = location_of(it->first.Mark());
          if (!it->first.IsScalar()) {
            fail(key_location, path, "a map key must be a plain word, not a list or a map");
            continue;
          }
          const std::string name = it->first.Scalar();
          if (const auto bad = invalid_utf8_at(name)) {
            fail(key_location, path, not_utf8("a map key", name, *bad));
            continue;
          }
          const std::string child = pointer_append(pointer, name);
          if (out.contains(name)) {
            const Location first = marks_[child].key;
            fail(key_location, path,
                 "duplicate key \"" + name + "\"" +
                     (first.line > 0 ? " (first written on line " + std::to_string(first.line) + ")"
                                     : std::string{}));
            continue;
          }
          out[name] = walk(it->second, child, path_append_key(path, name), key_location, depth + 1);
        }
        return out;
      }
    }
    return nullptr;
  }

 private:
  static nlohmann::json scalar(const YAML::Node& node, Document::Marks& marks) {
    const std::string& tag = node.Tag();
    // "!" is yaml-cpp's tag for a quoted scalar: always a string, never typed.
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return node.Scalar();
    marks.raw = node.Scalar();
    return type_plain_scalar(node.Scalar());
  }

  void fail(Location at, const std::string& path, std::string message) {
    diagnostics_.push_back({file_, at.line, at.column, path, std::move(message), {}});
  }

  std::map<std::string, Document::Marks>& marks_;
  Diagnostics& diagnostics_;
  const std::string& file_;
  std::size_t nodes_ = 0;
  bool too_big_reported_ = false;
};

// Where each document of a YAML stream starts, without building the documents. It stands in
// for YAML::LoadAll, which in yaml-cpp 0.7 never returns on some invalid input, such as a lone
// "," (jbeder/yaml-cpp#1040): the parser reports an empty document at the same place again and
// again without reading on, and LoadAll collects them until memory runs out.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

  std::vector<YAML::Mark> starts;
  std::vector<YAML::Mark> roots;  // where each document's first node is

 private:
  void node(const YAML::Mark& mark) {
    if (roots.size() < starts.size()) roots.push_back(mark);
  }
};

// Counts the documents; a document that starts where the one before it started means the
// parser is stuck, and its mark is returned as `stuck_at`. Throws what yaml-cpp throws.
DocumentStarts document_starts(const std::string& text, std::optional<YAML::Mark>& stuck_at) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  while (parser.HandleNextDocument(handler)) {
    const auto& s = handler.starts;
    if (s.size() >= 2 && s[s.size() - 1].pos == s[s.size() - 2].pos) {
      stuck_at = s.back();
      handler.starts.pop_back();
      break;
    }
  }
  return handler;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Format detect(std::string_view text, const std::string& file) {
  if (ends_with(file, ".json")) return Format::Json;
  if (ends_with(file, ".yaml") || ends_with(file, ".yml")) return Format::Yaml;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    return c == '{' || c == '[' ? Format::Json : Format::Yaml;
  }
  return Format::Yaml;
}

Location offset_to_location(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  Location at{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

LoadedDocument load_yaml(std::string_view text, const std::string& file) {
  LoadedDocument out;
  const std::string source(text);
  DocumentStarts starts;
  std::optional<YAML::Mark> stuck_at;
  YAML::Node document;
  try {
    starts = document_starts(source, stuck_at);
    if (!stuck_at && starts.starts.size() == 1) document = YAML::Load(source);
  } catch (const YAML::ParserException& e) {
    const Location at = location_of(e.mark);
    out.diagnostics.push_back({file, at.line, at.column, "", "invalid YAML: " + e.msg, {}});
    return out;
  } catch (const YAML::Exception& e) {
    out.diagnostics.push_back({file, 0, 0, "", std::string("invalid YAML: ") + e.what(), {}});
    return out;
  }
  if (stuck_at) {
    const Location at = location_of(*stuck_at);
    const std::size_t pos = static_cast<std::size_t>(std::max(stuck_at->pos, 0));
    const bool at_end = pos >= source.size();
    const std::string what = at_end ? "the end" : "\"" + std::string(1, source[pos]) + "\"";
    out.diagnostics.push_back(
        {file, at.line, at.column, "", "invalid YAML: the parser cannot read on from " + what,
         !at_end && source[pos] == ',' ? "a comma separates items only inside [...] or {...}"
                                       : ""});
    return out;
  }
  if (starts.starts.size() > 1) {
    const Location at = location_of(starts.roots.size() > 1 ? starts.roots[1] : starts.starts[1]);
    out.diagnostics.push_back(
        {file, at.line, at.column, "",
         "expected one document, found " + std::to_string(starts.starts.size()),
         "put each manifest in its own file"});
    return out;
  }
  std::map<std::string, Document::Marks> marks;
  nlohmann::json root;
  if (starts.starts.size() == 1) {
    YamlWalker walker(marks, out.diagnostics, file);
    root = walker.walk(document, "", "", {}, 0);
  }
  if (out.diagnostics.empty())
    out.document.emplace(std::move(root), file, Format::Yaml, std::move(marks));
  return out;
}

LoadedDocument load_json(std::string_view text, const std::string& file) {
  LoadedDocument out;
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // The byte offset names the last character read: the one that broke the syntax.
    const Location at = offset_to_location(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    const std::size_t detail = what.find(": ", what.find("parse error"));
    if (detail != std::string::npos) what = what.substr(detail + 2);
    out.diagnostics.push_back({file, at.line, at.column, "", "invalid JSON: " + what, {}});
    return out;
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double (1e400): nlohmann names the literal but not where it is.
    std::string what = e.what();
    if (const std::size_t end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
    Location at{};
    const std::size_t open = what.find('\''), close = what.rfind('\'');
    if (open != std::string::npos && close > open)
      if (const std::size_t offset = text.find(what.substr(open + 1, close - open - 1));
          offset != std::string_view::npos)
        at = offset_to_location(text, offset);
    out.diagnostics.push_back({file, at.line, at.column, "", "invalid JSON: " + what, {}});
    return out;
  }
  // nlohmann keeps no positions, but JSON is YAML too: a yaml-cpp pass over the same text
  // recovers them, and finds duplicate keys that nlohmann would silently merge. When
  // yaml-cpp cannot read it, diagnostics simply carry no line and column.
  std::map<std::string, Document::Marks> marks;
  Diagnostics duplicates;
  try {
    const YAML::Node node = YAML::Load(std::string(text));
    YamlWalker walker(marks, duplicates, file);
    walker.walk(node, "", "", {}, 0);
  } catch (const YAML::Exception&) {
    marks.clear();
    duplicates.clear();
  }
  if (!duplicates.empty()) {
    out.diagnostics = std::move(duplicates);
    return out;
  }
  out.document.emplace(std::move(root), file, Format::Json, std::move(marks));
  return out;
}

}  // namespace

Document::Document(nlohmann::json root, std::string file, Format format,
                   std::map<std::string, Marks> marks)
    : root_(std::move(root)), file_(std::move(file)), format_(format), marks_(std::move(marks)) {}

const Document::Marks* Document::nearest(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    auto it = marks_.find(p);
    if (it != marks_.end() && it->second.value.line > 0) return &it->second;
    if (p.empty()) return nullptr;
    p.erase(p.rfind('/'));
  }
}

Location Document::value_location(const std::string& pointer) const {
  const Marks* marks = nearest(pointer);
  return marks ? marks->value : Location{};
}

Location Document::key_location(const std::string& pointer) const {
  auto it = marks_.find(pointer);
  if (it != marks_.end() && it->second.key.line > 0) return it->second.key;
  return value_location(pointer);
}

const std::string* Document::raw_scalar(const std::string& pointer) const {
  auto it = marks_.find(pointer);
  return it == marks_.end() || it->second.raw.empty() ? nullptr : &it->second.raw;
}

LoadedDocument load_document(std::string_view text, Format format, const std::string& file) {
  if (format == Format::Auto) {
    format = detect(text, file);
    if (format == Format::Json && !ends_with(file, ".json")) {
      LoadedDocument json = load_json(text, file);
      if (json.document) return json;
      LoadedDocument yaml = load_yaml(text, file);
      return yaml.document ? std::move(yaml) : std::move(json);
    }
  }
  return format == Format::Json ? load_json(text, file) : load_yaml(text, file);
}

LoadedDocument load_document_file(const std::string& path, Format format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadedDocument out;
    out.diagnostics.push_back(
        {path, 0, 0, "", std::string("cannot read the file: ") + std::strerror(errno), {}});
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_document(text.str(), format, path);
}

std::string pointer_append(const std::string& pointer, std::string_view token) {
  std::string out = pointer + "/";
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace rollguard
