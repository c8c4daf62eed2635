#pragma once
// The terminal's live view of a rollout (docs/run.md, "Output"): the step and a progress bar over
// the steps, the weights per version, each analysis with its latest value and verdict, the
// latest events; redrawn in place, and a one-screen summary on the way out. Rendering is a
// pure function of a snapshot so that tests can read frames; TerminalView only redraws.
#include <chrono>
#include <deque>
#include <iosfwd>
#include <string>
#include <vector>

#include "controller/machine/event.hpp"
#include "controller/runtime/analysis_runner.hpp"
#include "strategies/rollout_state.hpp"

namespace rollguard::cli {

struct ViewSnapshot {
  std::string rollout;
  RolloutState state;
  std::string step_label;  // the planner's, "step 3/6: analysis errors"
  std::size_t steps = 0;   // of the compiled program
  std::vector<TemplateProgress> analyses;
  std::vector<Event> recent;  // newest last
  Duration elapsed{};
};

// Lines of one frame, none wider than `width` columns.
std::vector<std::string> render_frame(const ViewSnapshot& s, std::size_t width);
// The summary printed under the last frame.
std::vector<std::string> render_summary(const ViewSnapshot& s, int exit_code, std::size_t width);

class TerminalView {
 public:
  explicit TerminalView(std::ostream& out) : out_(out) {}
  void event(const Event& e);  // kept for the "recent" lines
  void draw(ViewSnapshot s);   // replaces the previous frame in place
  void finish(ViewSnapshot s, int exit_code);
  static std::size_t terminal_width(int fd);

 private:
  std::ostream& out_;
  std::deque<Event> recent_;
  std::size_t drawn_ = 0;  // lines of the frame on screen
};

}  // namespace rollguard::cli
