#include "controller/cli/cli_doc.hpp"

namespace rollguard::cli {
namespace {

// CLI11 spells a value's type and its checks as "TEXT:{text,json}".
void read_option_type(const CLI::Option& option, OptionDoc& out) {
  std::string type = option.get_type_name();
  const std::size_t open = type.find(":{");
  if (open != std::string::npos && type.back() == '}') {
    const std::string list = type.substr(open + 2, type.size() - open - 3);
    std::size_t from = 0;
    while (from <= list.size()) {
      const std::size_t comma = list.find(',', from);
      const std::string item =
          list.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
      if (!item.empty()) out.choices.push_back(item);
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    type = type.substr(0, open);
  } else if (const std::size_t colon = type.find(':'); colon != std::string::npos) {
    type = type.substr(0, colon);
  }
  out.value = type;
}

OptionDoc describe_option(const CLI::Option& option) {
  OptionDoc out;
  out.description = option.get_description();
  out.required = option.get_required();
  if (option.get_positional() && option.get_lnames().empty() && option.get_snames().empty()) {
    out.positional = option.get_name(true);
    out.repeated = option.get_expected_max() > 1;
  } else {
    for (const std::string& s : option.get_snames()) out.flags.push_back("-" + s);
    for (const std::string& l : option.get_lnames()) out.flags.push_back("--" + l);
  }
  if (option.get_type_size_max() > 0 || !out.positional.empty()) read_option_type(option, out);
  return out;
}

CommandDoc describe_command(const CLI::App& app, const std::string& parent_path) {
  CommandDoc out;
  // The root is named after argv[0] once parsed: the page is rollguard(1) however it ran.
  out.name = parent_path.empty() ? "rollguard" : app.get_name();
  out.path = parent_path.empty() ? out.name : parent_path + " " + out.name;
  out.description = app.get_description();
  out.footer = app.get_footer();
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    out.options.push_back(describe_option(*option));
  }
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    out.subcommands.push_back(describe_command(*sub, out.path));
  return out;
}

}  // namespace

CommandDoc describe_cli(const CLI::App& app) {
  return describe_command(app, "");
}

}  // namespace rollguard::cli
