#include "health/process/argv_template.hpp"

namespace rollguard {

std::string render_template(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    auto open = text.find("{{");
    if (open == std::string_view::npos) break;
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(0, open));
    std::string name(text.substr(open + 2, close - open - 2));
    auto it = vars.find(name);
    if (it != vars.end())
      out += it->second;
    else
      out.append(text.substr(open, close + 2 - open));
    text.remove_prefix(close + 2);
  }
  out.append(text);
  return out;
}

Argv render_argv(const Argv& argv, const std::map<std::string, std::string>& vars) {
  Argv out;
  out.reserve(argv.size());
  for (const auto& arg : argv) out.push_back(render_template(arg, vars));
  return out;
}

}  // namespace rollguard
