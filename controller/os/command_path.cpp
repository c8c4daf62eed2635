#include "controller/os/command_path.hpp"

#include <filesystem>
#include <system_error>

#include "health/process/executable_path.hpp"

namespace rollguard {

std::string resolve_command(const std::string& command, std::string_view search_path,
                            const std::string& fallback_dir) {
  if (command.empty() || command.find('/') != std::string::npos) return command;
  if (find_executable(command, search_path)) return command;
  if (fallback_dir.empty()) return command;
  const std::string beside = fallback_dir + "/" + command;
  if (find_executable(command, fallback_dir)) return beside;
  return command;
}

std::string resolve_command(const std::string& command) {
  return resolve_command(command, process_search_path(), executable_directory());
}

std::string executable_directory() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return self.parent_path().string();
}

}  // namespace rollguard
