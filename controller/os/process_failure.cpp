#include "controller/os/process_failure.hpp"

#include "manifests/duration.hpp"

namespace rollguard {

namespace {

constexpr std::size_t kTailShown = 512;

std::string command_line(const Argv& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return "`" + out + "`";
}

std::string tail(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
    text.pop_back();
  if (text.size() > kTailShown) text = "..." + text.substr(text.size() - kTailShown);
  return text;
}

}  // namespace

std::string describe_process_failure(const Argv& argv, const ProcessResult& result,
                                     Duration timeout) {
  if (result.succeeded()) return "";
  std::string out = command_line(argv);
  if (!result.started) return out + ": " + result.error;
  if (result.timed_out)
    out += " timed out after " + format_duration(timeout);
  else if (result.signal != 0)
    out += " was killed by signal " + std::to_string(result.signal);
  else
    out += " exited with " + std::to_string(result.exit_code);
  const std::string output = tail(result.output);
  return output.empty() ? out + " (no output)" : out + ": " + output;
}

}  // namespace rollguard
