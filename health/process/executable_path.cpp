#include "health/process/executable_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace rollguard {

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::string> find_executable(std::string_view name, std::string_view search_path) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) return std::string(name);
  while (true) {
    const auto colon = search_path.find(':');
    std::string_view dir = search_path.substr(0, colon);
    std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/";
    candidate += name;
    if (is_executable_file(candidate)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    search_path.remove_prefix(colon + 1);
  }
}

std::string process_search_path() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? std::string(path) : std::string("/bin:/usr/bin");
}

}  // namespace rollguard
