#include "health/text.hpp"

namespace rollguard {

namespace {

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '\r') continue;
    out += (ch == '\n' || ch == '\t') ? ' ' : ch;
  }
  return out;
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string excerpt(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return one_line(text);
  return one_line(text.substr(0, limit)) + "...";
}

std::string tail_excerpt(std::string_view text, std::size_t limit) {
  text = trim(text);
  if (text.size() <= limit) return one_line(text);
  return "..." + one_line(text.substr(text.size() - limit));
}

}  // namespace rollguard
