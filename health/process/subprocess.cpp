#include "health/process/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "health/process/executable_path.hpp"

extern char** environ;

namespace rollguard {

namespace net = boost::asio;
using error_code = boost::system::error_code;

namespace {

std::vector<std::string> merged_environment(const StringMap& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos && extra.count(std::string(entry.substr(0, eq)))) continue;
    out.emplace_back(entry);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string lowercase_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// posix_spawnp with a fresh process group, default signal dispositions, an empty signal
// mask, stdin from /dev/null and stdout+stderr on `out_fd`. Returns 0 or an errno.
int spawn_child(const ProcessSpec& spec, int out_fd, pid_t& pid) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 2);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);  // cannot be caught, so cannot be reset either
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args(spec.argv.begin(), spec.argv.end());
  auto env = merged_environment(spec.env);
  auto argv = pointers(args);
  auto envp = pointers(env);
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc;
}

// In the child between fork and exec: only async-signal-safe calls, nothing that allocates
// (another thread may have held the allocator's lock at the fork). Reports an exec failure's
// errno on `report_fd` and never returns.
[[noreturn]] void exec_child(const char* path, char* const* argv, char* const* envp, int out_fd,
                             int report_fd, pid_t parent) {
  // Death signal first, then check that the parent did not die before it was armed.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
  ::setpgid(0, 0);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // dup2 onto 0 clears the flag
  if (null_fd > 0) ::dup2(null_fd, 0);
  if (null_fd == 0) ::fcntl(0, F_SETFD, 0);
  ::dup2(out_fd, 1);
  ::dup2(out_fd, 2);
  if (out_fd == 1 || out_fd == 2) ::fcntl(out_fd, F_SETFD, 0);  // dup2 onto itself keeps CLOEXEC
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(path, argv, envp);
  int err = errno;
  while (::write(report_fd, &err, sizeof err) < 0 && errno == EINTR) {
  }
  ::_exit(127);
}

// fork/exec with the same child set-up as spawn_child, plus the parent-death signal. The
// command is looked up on PATH here, before the fork. Returns 0 or an errno.
int fork_child(const ProcessSpec& spec, int out_fd, pid_t& pid) {
  auto path = find_executable(spec.argv[0], process_search_path());
  if (!path) return ENOENT;
  std::vector<std::string> args(spec.argv.begin(), spec.argv.end());
  auto env = merged_environment(spec.env);
  auto argv = pointers(args);
  auto envp = pointers(env);
  std::array<int, 2> report{};  // close-on-exec: EOF at a successful exec, an errno otherwise
  if (::pipe2(report.data(), O_CLOEXEC) != 0) return errno;
  // Signals stay blocked across the fork so that no handler of ours runs in the child before
  // the dispositions are reset.
  sigset_t all, saved;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  const pid_t parent = ::getpid();
  pid = ::fork();
  if (pid == 0) exec_child(path->c_str(), argv.data(), envp.data(), out_fd, report[1], parent);
  const int fork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    return fork_error;
  }
  int exec_error = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &exec_error, sizeof exec_error);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof exec_error)) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return exec_error;
  }
  return 0;
}

}  // namespace

// Everything lives on one strand: the pipe reader, the pidfd waiter and signal requests.
struct Subprocess::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::any_io_executor ex, std::size_t limit, std::function<void(ProcessResult)> done)
      : strand(net::make_strand(ex)), pipe(strand), pidfd(strand), on_exit(std::move(done)) {
    output_limit = limit;
  }

  void start() {
    read_output();
    pidfd.async_wait(net::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_exited(ec); });
  }

  void read_output() {
    pipe.async_read_some(net::buffer(chunk),
                         [self = shared_from_this()](error_code ec, std::size_t n) {
                           self->append(n);
                           if (ec) self->pipe_done = true;
                           if (self->reaped) return self->drain_and_finish();
                           if (!ec) self->read_output();
                         });
  }

  void append(std::size_t n) {
    result.output.append(chunk.data(), n);
    if (result.output.size() > 2 * output_limit) trim();
  }

  void trim() {
    if (result.output.size() <= output_limit) return;
    result.output.erase(0, result.output.size() - output_limit);
    result.output_truncated = true;
  }

  void on_exited(error_code ec) {
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid, &status, ec ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {  // spurious wake-up: not exited yet
      pidfd.async_wait(net::posix::stream_descriptor::wait_read,
                       [self = shared_from_this()](error_code e) { self->on_exited(e); });
      return;
    }
    reaped = true;
    if (r > 0 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (r > 0 && WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    // What the child wrote is in the pipe already; a grandchild may hold the pipe open for
    // ever, so stop the pending read and collect what is there without waiting for EOF.
    if (pipe_done)
      drain_and_finish();
    else
      pipe.cancel();
  }

  void drain_and_finish() {
    if (finished) return;
    finished = true;
    error_code ec;
    if (pipe.is_open()) {
      pipe.non_blocking(true, ec);
      while (!ec) {
        std::size_t n = pipe.read_some(net::buffer(chunk), ec);
        append(n);
      }
      pipe.close(ec);
    }
    pidfd.close(ec);
    trim();
    auto done = std::move(on_exit);
    done(std::move(result));
  }

  void signal_group(int sig) {
    if (!reaped) ::kill(-pid, sig);
  }

  net::strand<net::any_io_executor> strand;
  net::posix::stream_descriptor pipe;
  net::posix::stream_descriptor pidfd;
  std::function<void(ProcessResult)> on_exit;
  std::array<char, 4096> chunk{};
  std::size_t output_limit = 4096;
  ProcessResult result;
  pid_t pid = -1;
  bool pipe_done = false;
  bool reaped = false;
  bool finished = false;
};

Subprocess Subprocess::spawn(net::any_io_executor executor, const ProcessSpec& spec,
                             std::function<void(ProcessResult)> on_exit) {
  auto fail = [&](std::string reason) {
    ProcessResult r;
    r.error = std::move(reason);
    net::post(executor, [done = std::move(on_exit), r = std::move(r)]() mutable { done(r); });
    return Subprocess(nullptr);
  };
  if (spec.argv.empty() || spec.argv[0].empty()) return fail("empty command");
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0)
    return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
  pid_t pid = -1;
  int rc = spec.die_with_parent ? fork_child(spec, fds[1], pid) : spawn_child(spec, fds[1], pid);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return fail("cannot run \"" + spec.argv[0] + "\": " + lowercase_first(std::strerror(rc)));
  }
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int err = errno;
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(fds[0]);
    return fail(std::string("cannot watch the process (pidfd_open): ") + std::strerror(err));
  }
  auto impl = std::make_shared<Impl>(executor, spec.output_limit, std::move(on_exit));
  impl->result.started = true;
  impl->result.pid = pid;
  impl->pid = pid;
  impl->pipe.assign(fds[0]);
  impl->pidfd.assign(pidfd);
  net::dispatch(impl->strand, [impl] { impl->start(); });
  return Subprocess(impl);
}

pid_t Subprocess::pid() const {
  return impl_ ? impl_->pid : -1;
}

void Subprocess::signal_group(int sig) {
  if (!impl_) return;
  net::dispatch(impl_->strand, [impl = impl_, sig] { impl->signal_group(sig); });
}

void run_process(net::any_io_executor executor, ProcessSpec spec, Duration timeout,
                 std::function<void(ProcessResult)> done) {
  struct State {
    explicit State(net::any_io_executor ex) : timer(ex) {}
    net::steady_timer timer;
    bool timed_out = false;
  };
  // The timer and the exit callback share one strand: `timed_out` is read where it is written.
  net::any_io_executor strand = net::make_strand(executor);
  auto state = std::make_shared<State>(strand);
  auto process =
      Subprocess::spawn(strand, spec, [state, done = std::move(done)](ProcessResult r) mutable {
        state->timer.cancel();
        r.timed_out = state->timed_out;
        done(std::move(r));
      });
  if (process.pid() < 0) return;
  state->timer.expires_after(timeout);
  state->timer.async_wait([state, process](error_code ec) mutable {
    if (ec) return;
    state->timed_out = true;
    process.signal_group(SIGKILL);
  });
}

}  // namespace rollguard
