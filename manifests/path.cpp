#include "manifests/path.hpp"

#include <cctype>

namespace rollguard {

std::string path_append_key(const std::string& path, std::string_view key) {
  bool plain = !key.empty();
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') plain = false;
  if (plain) return path.empty() ? std::string(key) : path + "." + std::string(key);
  std::string quoted = "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return path + quoted + "\"]";
}

std::string path_append_index(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace rollguard
