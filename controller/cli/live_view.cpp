#include "controller/cli/live_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ostream>

#include "strategies/program_builder.hpp"

namespace rollguard::cli {
namespace {

constexpr std::size_t kRecentEvents = 4;

// Cuts to `width` columns (counting UTF-8 code points, which is right for what we print).
std::string fit(const std::string& line, std::size_t width) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (++columns > width) return line.substr(0, i);
  }
  return line;
}

std::string clock_of(Duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  const std::string seconds = std::to_string(s % 60);
  const std::string minutes = std::to_string(s / 60);
  return (minutes.size() < 2 ? "0" : "") + minutes + ":" + (seconds.size() < 2 ? "0" : "") +
         seconds;
}

std::string progress_bar(std::size_t done, std::size_t total, std::size_t width) {
  std::string bar = "[";
  const std::size_t filled = total == 0 ? 0 : done * width / total;
  for (std::size_t i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  // Steps done, not the current step's number (the header's "step 4/6" is that one).
  return bar + "] " + std::to_string(done) + "/" + std::to_string(total) + " done";
}

std::string value_of(const std::optional<Measurement>& m) {
  if (!m || m->value.empty()) return "-";
  char out[32];
  const double v = m->value.front();
  std::snprintf(out, sizeof out, std::isnan(v) ? "NaN" : "%.4g", v);
  return out;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

constexpr std::size_t kSummaryIndent = 12;  // the width of "reason:     "

// Appends `line` cut into lines of at most `width` columns (UTF-8 code points), broken at the
// last space that fits; continuations start with `indent` spaces. Only a word longer than a
// whole line is cut inside.
void wrap_words(std::string line, std::size_t width, std::size_t indent,
                std::vector<std::string>& out) {
  if (width <= indent + 1) indent = 0;
  while (true) {
    const std::size_t text = line.find_first_not_of(' ');  // spaces before it are indentation
    std::size_t columns = 0, cut = std::string::npos, space = std::string::npos;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
      if (line[i] == ' ' && text < i) space = i;  // line[0, i) fits: columns <= width
      if (++columns > width) {
        cut = i;
        break;
      }
    }
    if (cut == std::string::npos) break;  // it fits
    // Else the word is longer than the line: cut it.
    const std::size_t end = space != std::string::npos ? space : cut;
    std::string head = line.substr(0, end);
    head.erase(head.find_last_not_of(' ') + 1);
    out.push_back(head);
    const std::size_t rest = line.find_first_not_of(' ', end);
    if (rest == std::string::npos) return;
    line = std::string(indent, ' ') + line.substr(rest);
  }
  out.push_back(line);
}

}  // namespace

std::vector<std::string> render_frame(const ViewSnapshot& s, std::size_t width) {
  const RolloutState& st = s.state;
  std::vector<std::string> lines;
  lines.push_back(s.rollout + "  " + std::string(to_string(st.phase)) + "  " + s.step_label + "  " +
                  clock_of(s.elapsed));
  const std::size_t done =
      is_terminal(st.phase) && st.phase == Phase::Succeeded ? s.steps : std::min(st.step, s.steps);
  lines.push_back(progress_bar(done, s.steps, 30));
  std::string traffic = "traffic   " + st.stableVersion + " " + format_weight(st.applied.stable) +
                        "%   " + st.canaryVersion + " " + format_weight(st.applied.canary) + "%";
  if (st.applied.baseline > 0)
    traffic += "   baseline " + st.stableVersion + " " + format_weight(st.applied.baseline) + "%";
  lines.push_back(traffic);
  if (!s.analyses.empty()) lines.push_back("analyses");
  for (const TemplateProgress& a : s.analyses) {
    const std::string verdict = a.verdict ? std::string(to_string(*a.verdict))
                                : a.last  ? std::string(to_string(a.last->verdict))
                                          : "waiting";
    lines.push_back("  " + pad(a.name, 16) + " #" + pad(std::to_string(a.measured), 4) + " " +
                    pad(value_of(a.last), 10) + " " + pad(verdict, 12) +
                    (a.last ? a.last->reason : ""));
  }
  if (!s.recent.empty()) lines.push_back("recent");
  for (const Event& e : s.recent)
    lines.push_back("  " + std::string(to_string(e.phase)) + ": " + e.reason);
  for (std::string& line : lines) line = fit(line, width);
  return lines;
}

std::vector<std::string> render_summary(const ViewSnapshot& s, int exit_code, std::size_t width) {
  const RolloutState& st = s.state;
  std::vector<std::string> lines{
      std::string(std::min<std::size_t>(width, 60), '-'),
      s.rollout + ": " + std::string(to_string(st.phase)) + " after " + clock_of(s.elapsed) +
          " (exit " + std::to_string(exit_code) + ")",
      "reason:     " + st.message,
      "known-good: " + st.knownGood + "   traffic: " + st.stableVersion + " " +
          format_weight(st.applied.stable) + "%, " + st.canaryVersion + " " +
          format_weight(st.applied.canary) + "%",
  };
  // The reason is the one line a person must read whole: it wraps instead of being cut,
  // between words, continued under the text after "reason:     ".
  std::vector<std::string> out;
  for (const std::string& line : lines) wrap_words(line, width, kSummaryIndent, out);
  return out;
}

void TerminalView::event(const Event& e) {
  recent_.push_back(e);
  if (recent_.size() > kRecentEvents) recent_.pop_front();
}

void TerminalView::draw(ViewSnapshot s) {
  s.recent.assign(recent_.begin(), recent_.end());
  const std::vector<std::string> lines = render_frame(s, terminal_width(STDOUT_FILENO));
  if (drawn_ > 0) out_ << "\x1b[" << drawn_ << "F";  // back to the frame's first line
  for (const std::string& line : lines) out_ << "\x1b[2K" << line << "\n";
  for (std::size_t i = lines.size(); i < drawn_; ++i) out_ << "\x1b[2K\n";  // a shorter frame
  drawn_ = std::max(drawn_, lines.size());
  out_.flush();
}

void TerminalView::finish(ViewSnapshot s, int exit_code) {
  draw(s);
  for (const std::string& line : render_summary(s, exit_code, terminal_width(STDOUT_FILENO)))
    out_ << line << "\n";
  out_.flush();
}

std::size_t TerminalView::terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

}  // namespace rollguard::cli
