#include "manifests/reader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "manifests/duration.hpp"
#include "manifests/path.hpp"

namespace rollguard {
namespace {

std::string quote_text(std::string_view text, std::size_t limit = 60) {
  std::string out = "\"";
  out += text.size() > limit ? std::string(text.substr(0, limit)) + "..." : std::string(text);
  return out + "\"";
}

std::string bound_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// A number written where a string belongs: YAML read `1.10` as 1.1, so suggest the quotes.
std::string quote_hint(const Cursor& at) {
  if (const std::string* raw = at.document().raw_scalar(at.pointer()))
    return "write it in quotes: \"" + *raw + "\"";
  return "write it in quotes";
}

std::string range_text(const NumberRange& r) {
  const bool has_min = std::isfinite(r.min), has_max = std::isfinite(r.max);
  if (has_min && has_max) {
    if (!r.min_exclusive && !r.max_exclusive)
      return "between " + bound_text(r.min) + " and " + bound_text(r.max);
    return std::string(r.min_exclusive ? "greater than " : "at least ") + bound_text(r.min) +
           (r.max_exclusive ? " and less than " : " and at most ") + bound_text(r.max);
  }
  if (has_min) return (r.min_exclusive ? "greater than " : "at least ") + bound_text(r.min);
  return (r.max_exclusive ? "less than " : "at most ") + bound_text(r.max);
}

bool in_range(double v, const NumberRange& r) {
  if (r.min_exclusive ? !(v > r.min) : !(v >= r.min)) return false;
  if (r.max_exclusive ? !(v < r.max) : !(v <= r.max)) return false;
  return true;
}

// Reads a number of any JSON kind; strings that look like numbers get a hint.
bool read_raw_number(const Cursor& at, double& out) {
  if (!at.present()) return false;
  const nlohmann::json& v = at.json();
  if (v.is_number()) {
    out = v.get<double>();
    if (!std::isfinite(out)) {
      at.error("expected a finite number, got " + at.describe());
      return false;
    }
    return true;
  }
  std::string hint;
  if (v.is_string()) {
    char* end = nullptr;
    const std::string& s = v.get_ref<const std::string&>();
    std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) hint = "remove the quotes";
  }
  at.error("expected a number, got " + at.describe(), hint);
  return false;
}

}  // namespace

Cursor::Cursor(const Document& document, Diagnostics& diagnostics)
    : Cursor(&document, &diagnostics, &document.root(), "", "") {}

Cursor Cursor::child(std::string_view key) const {
  const nlohmann::json* value = nullptr;
  if (value_ && value_->is_object()) {
    auto it = value_->find(key);
    if (it != value_->end()) value = &*it;
  }
  return Cursor(document_, diagnostics_, value, pointer_append(pointer_, key),
                path_append_key(path_, key));
}

Cursor Cursor::item(std::size_t index) const {
  const nlohmann::json* value = nullptr;
  if (value_ && value_->is_array() && index < value_->size()) value = &(*value_)[index];
  return Cursor(document_, diagnostics_, value, pointer_append(pointer_, std::to_string(index)),
                path_append_index(path_, index));
}

void Cursor::error(std::string message, std::string hint) const {
  const Location at = document_->value_location(pointer_);
  diagnostics_->push_back(
      {document_->file(), at.line, at.column, path_, std::move(message), std::move(hint)});
}

void Cursor::key_error(const Cursor& map, std::string message, std::string hint) const {
  const Location at = document_->key_location(pointer_);
  diagnostics_->push_back(
      {document_->file(), at.line, at.column, map.path_, std::move(message), std::move(hint)});
}

std::string Cursor::describe() const {
  if (!value_ || value_->is_null()) return "an empty value";
  const nlohmann::json& v = *value_;
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) {
    if (const std::string* raw = document_->raw_scalar(pointer_)) return "the number " + *raw;
    return "the number " + v.dump();
  }
  if (v.is_string()) return "the string " + quote_text(v.get_ref<const std::string&>());
  if (v.is_array()) return "a list";
  return "a map";
}

MapReader::MapReader(const Cursor& at, std::string_view shape_name)
    : at_(at), shape_(&rollguard::shape(shape_name)), keys_(shape_->key_names()) {
  if (!at_.present()) return;
  if (at_.json().is_null()) {
    is_map_ = true;
    return;
  }
  if (!at_.json().is_object()) {
    at_.error("expected a map with keys " + join_options(keys_, "and") + ", got " + at_.describe());
    return;
  }
  is_map_ = true;
  for (const auto& [key, value] : at_.json().items()) {
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
    ++unknown_keys_;
    at_.child(key).key_error(at_, "unknown key \"" + key + "\"", did_you_mean(key, keys_));
  }
}

const KeySpec& MapReader::key_spec(std::string_view key) const {
  const KeySpec* spec = shape_->find(key);
  if (spec == nullptr)
    shape_invariant_broken("the reader reads \"" + std::string(key) + "\" of shape " +
                           shape_->name + ", which manifests/shape_table.cpp does not list");
  return *spec;
}

bool MapReader::has(std::string_view key) const {
  return (*this)[key].present();
}

Cursor MapReader::operator[](std::string_view key) const {
  key_spec(key);
  return at_.child(key);
}

Cursor MapReader::required(std::string_view key) const {
  if (!key_spec(key).required)
    shape_invariant_broken("the reader requires \"" + std::string(key) + "\" of shape " +
                           shape_->name + ", which manifests/shape_table.cpp marks optional");
  Cursor c = at_.child(key);
  // An absent or wrong parent has been reported already; its keys are not missing too.
  if (!c.present() && is_map_) at_.error("missing required key \"" + std::string(key) + "\"");
  return c;
}

std::string MapReader::one_of() const {
  if (!shape_->one_of)
    shape_invariant_broken("the reader asks for one key of shape " + shape_->name +
                           ", which has no key group in manifests/shape_table.cpp");
  const std::vector<std::string>& options = shape_->one_of->keys;
  const bool required = shape_->one_of->required;
  std::vector<std::string> given;
  for (const std::string& option : options)
    if (has(option)) given.push_back(option);
  const std::string expected =
      std::string(required ? "expected exactly one of " : "expected at most one of ") +
      join_options(options);
  if (given.size() > 1) {
    // Still read the first, so that problems inside it are reported too.
    at_.child(given[1]).key_error(at_, expected + "; found " + join_options(given, "and"));
    return given.front();
  }
  if (given.empty()) {
    if (required && is_map_ && unknown_keys_ == 0) at_.error(expected + "; found none");
    return {};
  }
  return given.front();
}

bool read_string(const Cursor& at, std::string& out, bool allow_empty) {
  if (!at.present()) return false;
  if (!at.json().is_string()) {
    at.error("expected a string, got " + at.describe(),
             at.json().is_number() || at.json().is_boolean() ? quote_hint(at) : std::string{});
    return false;
  }
  const std::string& s = at.json().get_ref<const std::string&>();
  if (s.empty() && !allow_empty) {
    at.error("must not be empty");
    return false;
  }
  out = s;
  return true;
}

bool read_bool(const Cursor& at, bool& out) {
  if (!at.present()) return false;
  if (!at.json().is_boolean()) {
    at.error("expected true or false, got " + at.describe());
    return false;
  }
  out = at.json().get<bool>();
  return true;
}

bool read_int(const Cursor& at, int& out, long long min, long long max) {
  double value = 0;
  if (!read_raw_number(at, value)) return false;
  if (value != std::floor(value)) {
    at.error("expected a whole number, got " + at.describe());
    return false;
  }
  if (value < static_cast<double>(min) || value > static_cast<double>(max)) {
    NumberRange range{static_cast<double>(min), static_cast<double>(max)};
    if (max == std::numeric_limits<int>::max()) range.max = std::numeric_limits<double>::infinity();
    at.error("must be " + range_text(range) + ", got " + bound_text(value));
    return false;
  }
  out = static_cast<int>(value);
  return true;
}

bool read_uint64(const Cursor& at, std::uint64_t& out) {
  if (!at.present()) return false;
  const nlohmann::json& v = at.json();
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    out = v.get<std::uint64_t>();
    return true;
  }
  at.error("expected a whole number from 0 to 18446744073709551615, got " + at.describe());
  return false;
}

bool read_number(const Cursor& at, double& out, NumberRange range) {
  double value = 0;
  if (!read_raw_number(at, value)) return false;
  if (!in_range(value, range)) {
    at.error("must be " + range_text(range) + ", got " + bound_text(value));
    return false;
  }
  out = value;
  return true;
}

bool read_duration(const Cursor& at, Duration& out, bool positive) {
  if (!at.present()) return false;
  const nlohmann::json& v = at.json();
  if (!v.is_string()) {
    std::string hint;
    if (v.is_number()) {
      // A timeout or a latency is usually below a second: "timeout: 500" means 500ms far more
      // often than 500s.
      const std::string& path = at.path();
      const bool short_field =
          path.ends_with("timeout") || path.ends_with("Timeout") || path.ends_with("latencyBelow");
      hint = short_field ? "a bare number has no unit; write \"" + v.dump() +
                               "ms\" for milliseconds or \"" + v.dump() + "s\" for seconds"
                         : "a bare number has no unit; write \"" + v.dump() + "s\" for seconds";
    }
    at.error("expected a duration like \"30s\", got " + at.describe(), hint);
    return false;
  }
  const std::string& s = v.get_ref<const std::string&>();
  auto parsed = parse_duration(s);
  if (!parsed) {
    at.error("invalid duration " + quote_text(s) +
             ": expected a duration like \"250ms\", \"30s\", \"5m\" or \"1h30m\" (units h, m, s, "
             "ms, largest first)");
    return false;
  }
  if (positive && parsed->count() == 0) {
    at.error("must be longer than 0s");
    return false;
  }
  out = *parsed;
  return true;
}

bool read_string_map(const Cursor& at, std::map<std::string, std::string>& out) {
  if (!at.present() || at.json().is_null()) return false;
  if (!at.json().is_object()) {
    at.error("expected a map of strings, got " + at.describe());
    return false;
  }
  bool ok = true;
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : at.json().items()) {
    std::string s;
    if (read_string(at.child(key), s, true))
      values[key] = s;
    else
      ok = false;
  }
  if (ok) out = std::move(values);
  return ok;
}

bool read_string_list(const Cursor& at, std::vector<std::string>& out, bool allow_empty) {
  if (!at.present()) return false;
  if (!at.json().is_array()) {
    at.error("expected a list of strings, got " + at.describe());
    return false;
  }
  if (at.json().empty() && !allow_empty) {
    at.error("must not be empty");
    return false;
  }
  bool ok = true;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < at.json().size(); ++i) {
    std::string s;
    ok = read_string(at.item(i), s) && ok;
    values.push_back(s);
  }
  if (ok) out = std::move(values);
  return ok;
}

bool read_argv(const Cursor& at, std::vector<std::string>& out,
               const std::vector<std::string>& templates, bool allow_empty) {
  if (!at.present()) return false;
  if (at.json().is_string()) {
    at.error(
        "expected an argv array like [\"./app\", \"--port\", \"{{port}}\"], not a shell string",
        "split the command into its arguments; nothing is run through a shell");
    return false;
  }
  if (!at.json().is_array()) {
    at.error("expected an argv array like [\"./app\", \"--port\", \"{{port}}\"], got " +
             at.describe());
    return false;
  }
  if (at.json().empty() && !allow_empty) {
    at.error("the command must not be empty");
    return false;
  }
  bool ok = true;
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < at.json().size(); ++i) {
    const Cursor arg = at.item(i);
    std::string s;
    if (!read_string(arg, s, i > 0)) {
      ok = false;
      continue;
    }
    check_placeholders(arg, s, templates, false);
    argv.push_back(s);
  }
  if (ok) out = std::move(argv);
  return ok;
}

void check_placeholders(const Cursor& at, std::string_view text,
                        const std::vector<std::string>& names, bool allow_secrets) {
  std::vector<std::string> spelled;
  for (const std::string& n : names) spelled.push_back("{{" + n + "}}");
  std::size_t from = 0;
  while (true) {
    const std::size_t open = text.find("{{", from);
    if (open == std::string_view::npos) return;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      at.error("unclosed \"{{\" in " + quote_text(text) + ": templates are written {{name}}");
      return;
    }
    std::string_view inner = text.substr(open + 2, close - open - 2);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    const bool known = std::find(names.begin(), names.end(), inner) != names.end();
    const bool secret = allow_secrets && inner.starts_with("secret:") && inner.size() > 7;
    if (!known && !secret) {
      const std::string written = "{{" + std::string(inner) + "}}";
      std::string expected =
          names.empty() ? "no templates are available here" : "expected " + join_options(spelled);
      if (allow_secrets) expected += " (or {{secret:ENV_VAR}})";
      at.error("unknown template \"" + written + "\": " + expected, did_you_mean(written, spelled));
    }
    from = close + 2;
  }
}

bool check_name(const Cursor& at, const std::string& name) {
  const bool length_ok = !name.empty() && name.size() <= 63;
  bool chars_ok = true;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) chars_ok = false;
  if (length_ok && chars_ok) return true;
  std::string hint;
  if (!chars_ok) {
    std::string fixed;
    for (char c : name) {
      if (c >= 'A' && c <= 'Z')
        fixed += static_cast<char>(c - 'A' + 'a');
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
        fixed += c;
      else
        fixed += '-';
    }
    if (!fixed.empty() && fixed.size() <= 63) hint = "did you mean \"" + fixed + "\"?";
  }
  at.error("invalid name " + quote_text(name) +
               ": use 1 to 63 lowercase letters, digits and dashes ([a-z0-9-])",
           hint);
  return false;
}

}  // namespace rollguard
