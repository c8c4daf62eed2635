#include "controller/service/api_routes.hpp"

#include "controller/service/api_error.hpp"

namespace rollguard {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;  // past the leading '/'
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (text[i] == '%') {
      const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_value(text[i + 2]) : -1;
      if (lo < 0) throw BadRequest("InvalidPath", "malformed percent-encoding in the URL");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool has_control(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

bool valid_rollout_name(std::string_view name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

ParsedTarget parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/')
    throw BadRequest("InvalidPath", "the request target must be an absolute path");
  const auto question = target.find('?');
  ParsedTarget out;
  const std::string_view raw_path = target.substr(0, question);
  for (std::string_view segment : segments(raw_path)) {
    const std::string decoded = percent_decode(segment, false);
    if (decoded == "." || decoded == ".." || decoded.find('/') != std::string::npos ||
        decoded.find('\\') != std::string::npos || has_control(decoded))
      throw BadRequest("InvalidPath",
                       "the path has a \".\" or \"..\" segment, an encoded slash or a control "
                       "character");
    out.path += "/" + decoded;
  }
  if (out.path.size() > 1 && out.path.find("//") != std::string::npos)
    throw BadRequest("InvalidPath", "the path has an empty segment");
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
    if (has_control(key) || has_control(value))
      throw BadRequest("InvalidQuery", "the query string has a control character");
    if (!key.empty()) out.query[std::move(key)] = std::move(value);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return out;
}

ApiRouter::Match ApiRouter::match(const std::string& method, const std::string& path) const {
  const auto path_segments = segments(path);
  bool path_known = false;
  for (const ApiRoute& route : routes_) {
    const auto pattern_segments = segments(route.pattern);
    if (pattern_segments.size() != path_segments.size()) continue;
    Match m{&route, {}};
    bool same = true;
    for (std::size_t i = 0; i < pattern_segments.size() && same; ++i) {
      const std::string_view p = pattern_segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        m.params[std::string(p.substr(1, p.size() - 2))] = std::string(path_segments[i]);
      else
        same = p == path_segments[i];
    }
    if (!same) continue;
    path_known = true;
    if (route.method != method) continue;
    for (const auto& [key, value] : m.params)
      if (!valid_rollout_name(value))
        throw BadRequest("InvalidName", "\"" + value + "\" is not a valid rollout name (" + key +
                                            ": lower-case letters, digits and '-', 1 to 63, "
                                            "starting and ending with a letter or digit)");
    return m;
  }
  if (path_known) throw MethodNotAllowed("MethodNotAllowed", method + " is not allowed on " + path);
  throw NotFound("NotFound", "no route for " + path);
}

}  // namespace rollguard
