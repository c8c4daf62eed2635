// `rollguard help-export man|bash|zsh [--out DIR]`, hidden: the build (cmake/install.cmake)
// runs it to generate the man pages and the completions from the CLI definitions.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "controller/cli/commands.hpp"
#include "controller/cli/help_export.hpp"

namespace rollguard::cli {
namespace {

struct HelpExportOptions {
  std::string format;
  std::string out;
};

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (file) return true;
  std::cerr << "rollguard help-export: cannot write " << path.string() << "\n";
  return false;
}

int run_help_export(const CLI::App& root, const HelpExportOptions& options) {
  const CommandDoc doc = describe_cli(root);
  std::vector<std::pair<std::string, std::string>> files;
  if (options.format == "man") files = man_pages(doc, "rollguard " ROLLGUARD_VERSION);
  if (options.format == "bash") files = {{"rollguard", bash_completion(doc)}};
  if (options.format == "zsh") files = {{"_rollguard", zsh_completion(doc)}};
  if (options.out.empty()) {
    if (files.size() != 1) {
      std::cerr << "rollguard help-export: man writes one page per command: give --out DIR\n";
      return kUsage;
    }
    std::cout << files.front().second;
    return kSucceeded;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) {
    std::cerr << "rollguard help-export: cannot create " << options.out << ": " << ec.message()
              << "\n";
    return kUsage;
  }
  for (const auto& [name, text] : files)
    if (!write_file(std::filesystem::path(options.out) / name, text)) return kFailed;
  return kSucceeded;
}

}  // namespace

void add_help_export_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<HelpExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "help-export", "Write man pages or shell completions generated from these definitions");
  cmd->group("");  // hidden: for the build, not for users
  cmd->add_option("FORMAT", options->format, "man, bash or zsh")
      ->required()
      ->check(CLI::IsMember({"man", "bash", "zsh"}));
  cmd->add_option("--out", options->out,
                  "Directory to write into (man: one page per command; bash: rollguard; zsh: "
                  "_rollguard); stdout when absent");
  const CLI::App* root = &app;
  cmd->callback([options, root, &exit_code] { exit_code = run_help_export(*root, *options); });
}

}  // namespace rollguard::cli
