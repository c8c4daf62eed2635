#pragma once
// Child processes without a shell: argv is executed as given (PATH lookup for argv[0]), in a
// process group of its own so that a kill reaches everything it started, with stdout and
// stderr captured together (the tail is kept). Exit is observed through a pidfd on the
// caller's executor: no thread waits for a child.
//
// `die_with_parent` makes the child get SIGKILL when this process dies, however it dies
// (Linux PR_SET_PDEATHSIG, set in the child between fork and exec: posix_spawn cannot). The
// kernel ties it to the *thread* that spawned the child: spawn such children from a thread
// that lives as long as they should, such as an io_context's thread, never from a short-lived
// worker. It reaches the child itself; what the child starts is its own business.
#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "manifests/rollout_spec.hpp"
#include "manifests/time.hpp"

namespace rollguard {

struct ProcessSpec {
  Argv argv;
  StringMap env;                    // added to (and overriding) this process's environment
  std::size_t output_limit = 4096;  // bytes of the output's tail kept
  bool die_with_parent = false;     // SIGKILL when the spawning thread exits (see above)
};

struct ProcessResult {
  bool started = false;  // false: it could not be started; `error` says why
  pid_t pid = -1;
  int exit_code = -1;  // when it exited by itself
  int signal = 0;      // when a signal ended it
  bool timed_out = false;
  std::string output;  // the last output_limit bytes of stdout and stderr, interleaved
  bool output_truncated = false;
  std::string error;
  bool succeeded() const { return started && !timed_out && signal == 0 && exit_code == 0; }
};

// A handle on a running child; copies share it. The child is not killed when the last handle
// goes away: pending I/O keeps the bookkeeping alive until it has been reaped.
class Subprocess {
 public:
  struct Impl;

  // Starts the process. `on_exit` is called exactly once, on `executor`, when the process
  // has ended and been reaped; when it cannot start, it is called with started == false
  // (never inside this call) and the handle is empty (pid() == -1).
  static Subprocess spawn(boost::asio::any_io_executor executor, const ProcessSpec& spec,
                          std::function<void(ProcessResult)> on_exit);

  pid_t pid() const;
  // Signals the whole process group, unless the process has already been reaped.
  void signal_group(int sig);

 private:
  explicit Subprocess(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// Runs a process to completion; at `timeout` its whole process group is killed (SIGKILL) and
// the result says timed_out. `done` is called exactly once, never inside this call.
void run_process(boost::asio::any_io_executor executor, ProcessSpec spec, Duration timeout,
                 std::function<void(ProcessResult)> done);

}  // namespace rollguard
