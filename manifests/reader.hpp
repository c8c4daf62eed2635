#pragma once
// The typed reader under the manifest parsers. It walks a Document and collects every problem
// instead of stopping at the first: each read reports what was expected at the value's path
// and source position, keeps the default when the value is absent, and leaves it alone when
// the value is wrong so reading can go on.
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "manifests/document.hpp"
#include "manifests/shape.hpp"
#include "manifests/suggest.hpp"
#include "manifests/time.hpp"

namespace rollguard {

// A position in the document: the value there (if any), its JSON pointer and dotted path.
class Cursor {
 public:
  Cursor(const Document& document, Diagnostics& diagnostics);

  bool present() const { return value_ != nullptr; }
  const nlohmann::json& json() const { return *value_; }  // only when present()
  const std::string& path() const { return path_; }
  const std::string& pointer() const { return pointer_; }
  const Document& document() const { return *document_; }

  Cursor child(std::string_view key) const;
  Cursor item(std::size_t index) const;

  // A problem with this value, located at the value.
  void error(std::string message, std::string hint = {}) const;
  // A problem with this value's key (unknown, duplicate), located at the key; the path is
  // the map's.
  void key_error(const Cursor& map, std::string message, std::string hint = {}) const;

  // "the string \"abc\"", "the number 30", "a list": for "expected X, got Y".
  std::string describe() const;

 private:
  Cursor(const Document* document, Diagnostics* diagnostics, const nlohmann::json* value,
         std::string pointer, std::string path)
      : document_(document),
        diagnostics_(diagnostics),
        value_(value),
        pointer_(std::move(pointer)),
        path_(std::move(path)) {}

  const Document* document_;
  Diagnostics* diagnostics_;
  const nlohmann::json* value_;
  std::string pointer_;
  std::string path_;
};

// A map of one shape of the vocabulary (manifests/shape.hpp). Reports a value that is not a
// map and every key the shape does not list (with a did-you-mean). An empty value reads as an
// empty map: `pause:` is `pause: {}`. Reading a key the shape does not list, or requiring one
// it does not mark required, is a bug in the reader or the table, and aborts.
class MapReader {
 public:
  MapReader(const Cursor& at, std::string_view shape_name);

  bool is_map() const { return is_map_; }
  bool has(std::string_view key) const;
  Cursor operator[](std::string_view key) const;
  // The value, or a report that the key is missing (only when the map itself is there).
  Cursor required(std::string_view key) const;
  // Exactly one (at most one when not required) of the shape's key group: the key given, or
  // empty after a report listing the group.
  std::string one_of() const;
  const Cursor& cursor() const { return at_; }
  const Shape& shape() const { return *shape_; }

 private:
  const KeySpec& key_spec(std::string_view key) const;

  Cursor at_;
  const Shape* shape_;
  std::vector<std::string> keys_;
  bool is_map_ = false;
  int unknown_keys_ = 0;
};

struct NumberRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// Every read_* leaves `out` untouched and returns false when the value is absent or wrong
// (wrong values are reported); it returns true when it stored a valid value.
bool read_string(const Cursor& at, std::string& out, bool allow_empty = false);
bool read_bool(const Cursor& at, bool& out);
bool read_int(const Cursor& at, int& out, long long min,
              long long max = std::numeric_limits<int>::max());
bool read_uint64(const Cursor& at, std::uint64_t& out);
bool read_number(const Cursor& at, double& out, NumberRange range);
// A duration string ("30s"); `positive` rejects "0s".
bool read_duration(const Cursor& at, Duration& out, bool positive = false);
bool read_string_map(const Cursor& at, std::map<std::string, std::string>& out);
bool read_string_list(const Cursor& at, std::vector<std::string>& out, bool allow_empty = true);

// An argv array whose `{{templates}}` must be among `templates`.
bool read_argv(const Cursor& at, std::vector<std::string>& out,
               const std::vector<std::string>& templates, bool allow_empty = false);

// Reports `{{x}}` placeholders in `text` whose name is not in `names` (a `secret:ENV` one is
// accepted when `allow_secrets`), and an unclosed "{{".
void check_placeholders(const Cursor& at, std::string_view text,
                        const std::vector<std::string>& names, bool allow_secrets);

template <class E>
using EnumTable = std::vector<std::pair<std::string, E>>;

// A value spelt as in `table`; `what` names it in the message ("value", "builtin metric").
template <class E>
bool read_enum(const Cursor& at, E& out, const EnumTable<E>& table,
               std::string_view what = "value") {
  std::string text;
  if (!read_string(at, text, true)) return false;
  std::vector<std::string> names;
  for (const auto& [name, value] : table) {
    if (name == text) {
      out = value;
      return true;
    }
    names.push_back(name);
  }
  at.error("unknown " + std::string(what) + " \"" + text + "\": expected " + join_options(names),
           did_you_mean(text, names));
  return false;
}

template <class E>
const std::string& enum_name(const EnumTable<E>& table, E value) {
  for (const auto& entry : table)
    if (entry.second == value) return entry.first;
  return table.front().first;
}

// A list whose items are read by `read_item(cursor, item)`; returns false when the value is
// absent or not a list. Every item is appended, valid or not, so indices stay aligned.
template <class T, class F>
bool read_list(const Cursor& at, std::vector<T>& out, F&& read_item) {
  if (!at.present()) return false;
  if (!at.json().is_array()) {
    at.error("expected a list, got " + at.describe());
    return false;
  }
  out.clear();
  for (std::size_t i = 0; i < at.json().size(); ++i) {
    T item{};
    read_item(at.item(i), item);
    out.push_back(std::move(item));
  }
  return true;
}

// [a-z0-9-], 1..63 characters: metadata and template names.
bool check_name(const Cursor& at, const std::string& name);

}  // namespace rollguard
