#include "health/providers/web/json_path.hpp"

#include <charconv>
#include <cstdio>

namespace rollguard {
namespace {

using Step = JsonPath::Step;

struct Failure {
  int column;
  std::string message;
};

std::string unsupported(std::string_view what) {
  return std::string(what) + " not supported by rollguard's JSONPath subset";
}

bool is_key_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  // Non-ASCII bytes are allowed so UTF-8 keys work without quoting.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || byte >= 0x80;
}

std::string describe(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 32 && byte < 127) return "\"" + std::string(1, c) + "\"";
  char hex[24];
  std::snprintf(hex, sizeof hex, "byte 0x%02X", byte);
  return hex;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::vector<Step> run() {
    if (text_.empty()) throw Failure{1, "empty path; a path starts with \"$\""};
    if (text_[0] != '$')
      throw Failure{1, "a path starts with \"$\" (the document root), for example $.error_rate"};
    pos_ = 1;
    std::vector<Step> steps;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '.')
        steps.push_back(dotted());
      else if (c == '[')
        steps.push_back(bracketed());
      else
        throw Failure{column(), "unexpected " + describe(c) + "; expected \".\" or \"[\""};
    }
    return steps;
  }

 private:
  int column() const { return static_cast<int>(pos_) + 1; }
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_blanks() {
    while (at(' ')) ++pos_;
  }

  Step dotted() {
    ++pos_;  // '.'
    if (at('.')) throw Failure{column() - 1, unsupported("recursive descent \"..\" is")};
    if (at('*')) {
      ++pos_;
      return Step{Step::Kind::Wildcard, {}, 0};
    }
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
    if (pos_ == start) {
      if (pos_ == text_.size()) throw Failure{column(), "expected a key after \".\""};
      throw Failure{column(), "unexpected " + describe(text_[pos_]) +
                                  " in a key; quote such keys like ['a key']"};
    }
    return Step{Step::Kind::Key, std::string(text_.substr(start, pos_ - start)), 0};
  }

  Step bracketed() {
    int open = column();
    ++pos_;  // '['
    skip_blanks();
    Step step;
    if (pos_ == text_.size()) throw Failure{column(), "unexpected end of path after \"[\""};
    char c = text_[pos_];
    if (c == '*') {
      ++pos_;
      step.kind = Step::Kind::Wildcard;
    } else if (c == '\'' || c == '"') {
      step.kind = Step::Kind::Key;
      step.key = quoted(c);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      step.kind = Step::Kind::Index;
      step.index = integer();
    } else if (c == '?') {
      throw Failure{column(), unsupported("filters [?(...)] are")};
    } else if (c == '(') {
      throw Failure{column(), unsupported("script expressions [(...)] are")};
    } else if (c == ':') {
      throw Failure{column(), unsupported("slices [start:end] are")};
    } else {
      throw Failure{column(), "unexpected " + describe(c) +
                                  " after \"[\"; expected an index, * or a quoted key"};
    }
    skip_blanks();
    if (at(':')) throw Failure{column(), unsupported("slices [start:end] are")};
    if (at(',')) throw Failure{column(), unsupported("unions [a,b] are")};
    if (!at(']'))
      throw Failure{column(), "expected \"]\" to close \"[\" at column " + std::to_string(open)};
    ++pos_;
    return step;
  }

  std::string quoted(char quote) {
    int open = column();
    ++pos_;
    std::string key;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\') {
        ++pos_;
        if (pos_ < text_.size() &&
            (text_[pos_] == '\\' || text_[pos_] == '\'' || text_[pos_] == '"')) {
          key += text_[pos_++];
          continue;
        }
        throw Failure{column() - 1,
                      "unsupported escape in a quoted key; only \\\\, \\' and \\\" "
                      "are escapes"};
      }
      key += text_[pos_++];
    }
    if (pos_ == text_.size())
      throw Failure{open, "unterminated quoted key starting at column " + std::to_string(open)};
    ++pos_;
    return key;
  }

  long long integer() {
    int start = column();
    std::size_t from = pos_;
    if (at('-')) ++pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    std::string_view digits = text_.substr(from, pos_ - from);
    long long value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range)
      throw Failure{start, "index " + std::string(digits) + " is out of range"};
    if (ec != std::errc{} || end != digits.data() + digits.size())
      throw Failure{start, "expected digits in an index"};
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

void apply(const Step& step, const nlohmann::json& node, std::vector<const nlohmann::json*>& out) {
  switch (step.kind) {
    case Step::Kind::Key:
      if (node.is_object())
        if (auto it = node.find(step.key); it != node.end()) out.push_back(&*it);
      return;
    case Step::Kind::Index: {
      if (!node.is_array()) return;
      auto size = static_cast<long long>(node.size());
      long long i = step.index < 0 ? size + step.index : step.index;
      if (i >= 0 && i < size) out.push_back(&node[static_cast<std::size_t>(i)]);
      return;
    }
    case Step::Kind::Wildcard:
      if (node.is_object() || node.is_array())
        for (const auto& child : node) out.push_back(&child);
      return;
  }
}

}  // namespace

std::variant<JsonPath, JsonPathError> JsonPath::parse(std::string_view text) {
  try {
    JsonPath path;
    path.steps_ = Parser(text).run();
    path.text_ = std::string(text);
    for (const Step& s : path.steps_)
      if (s.kind == Step::Kind::Wildcard) path.definite_ = false;
    return path;
  } catch (Failure& f) {
    return JsonPathError{f.column, std::move(f.message)};
  }
}

std::vector<const nlohmann::json*> JsonPath::select(const nlohmann::json& doc) const {
  std::vector<const nlohmann::json*> current{&doc};
  std::vector<const nlohmann::json*> next;
  for (const Step& step : steps_) {
    next.clear();
    for (const nlohmann::json* node : current) apply(step, *node, next);
    current.swap(next);
    if (current.empty()) break;
  }
  return current;
}

}  // namespace rollguard
