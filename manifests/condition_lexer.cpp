#include "manifests/condition_lexer.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace rollguard::condition_detail {
namespace {

// Unwinds the scanner to lex(), which returns it as a ConditionParseError.
struct Failure {
  int column;
  std::string message;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c);
}

std::string describe_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte > 32 && byte < 127) return "unexpected character " + in_quotes(std::string(1, c));
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", byte);
  return std::string("unexpected byte ") + hex + " (conditions are plain ASCII)";
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (is_digit(c) ||
                 (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
        out.push_back(number());
      } else if (is_name_start(c)) {
        std::size_t start = pos_;
        while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
        out.push_back(token(Tok::Name, start));
      } else {
        out.push_back(symbol());
      }
    }
    out.push_back(Token{Tok::End, static_cast<int>(text_.size()) + 1, {}, 0});
    return out;
  }

 private:
  Token token(Tok kind, std::size_t start) const {
    return Token{kind, static_cast<int>(start) + 1, text_.substr(start, pos_ - start), 0};
  }

  void digits(std::size_t start, const char* what) {
    std::size_t from = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ == from)
      throw Failure{static_cast<int>(pos_) + 1, "malformed number " +
                                                    in_quotes(text_.substr(start, pos_ - start)) +
                                                    ": expected digits " + what};
  }

  Token number() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      digits(start, "after \".\"");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      digits(start, "in the exponent");
    }
    Token t = token(Tok::Number, start);
    if (pos_ < text_.size() && is_name_char(text_[pos_]))
      throw Failure{static_cast<int>(pos_) + 1,
                    "unexpected " + in_quotes(std::string(1, text_[pos_])) +
                        " right after the number " + std::string(t.text) +
                        " (numbers have no units or suffixes)"};
    auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
    if (ec != std::errc{} || end != t.text.data() + t.text.size())
      throw Failure{t.column, "number " + std::string(t.text) + " is out of range"};
    return t;
  }

  Token symbol() {
    struct Symbol {
      std::string_view text;
      Tok kind;
    };
    // Two-character operators first so "<=" is not read as "<" then "=".
    static constexpr std::array kSymbols{
        Symbol{"<=", Tok::Le},      Symbol{">=", Tok::Ge},    Symbol{"==", Tok::Eq},
        Symbol{"!=", Tok::Ne},      Symbol{"&&", Tok::And},   Symbol{"||", Tok::Or},
        Symbol{"(", Tok::LParen},   Symbol{")", Tok::RParen}, Symbol{"[", Tok::LBracket},
        Symbol{"]", Tok::RBracket}, Symbol{",", Tok::Comma},  Symbol{"+", Tok::Plus},
        Symbol{"-", Tok::Minus},    Symbol{"*", Tok::Star},   Symbol{"/", Tok::Slash},
        Symbol{"<", Tok::Lt},       Symbol{">", Tok::Gt},     Symbol{"!", Tok::Not}};
    std::size_t start = pos_;
    for (const Symbol& s : kSymbols) {
      if (text_.substr(pos_).starts_with(s.text)) {
        pos_ += s.text.size();
        return token(s.kind, start);
      }
    }
    int column = static_cast<int>(pos_) + 1;
    switch (text_[pos_]) {
      case '=':
        throw Failure{column, "\"=\" is not an operator; compare with \"==\""};
      case '&':
        throw Failure{column, "\"&\" is not an operator; use \"&&\""};
      case '|':
        throw Failure{column, "\"|\" is not an operator; use \"||\""};
      default:
        throw Failure{column, describe_byte(text_[pos_])};
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::variant<std::vector<Token>, ConditionParseError> lex(std::string_view text) {
  try {
    return Lexer(text).run();
  } catch (Failure& f) {
    return ConditionParseError{f.column, std::move(f.message)};
  }
}

}  // namespace rollguard::condition_detail
