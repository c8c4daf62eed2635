#pragma once
// One instance of a process target: spawned so that it dies with rollguard, polled until it
// passes its readiness check or its readiness timeout passes, watched for death (at once,
// through the pidfd), stopped with SIGTERM and then SIGKILL. It tells its owner what
// happens; the owner keeps the books (ports, roles, reports).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "health/probes/prober.hpp"
#include "health/process/subprocess.hpp"
#include "manifests/rollout_spec.hpp"

namespace rollguard {

struct InstanceTiming {
  Duration poll_interval = 150ms;   // between readiness attempts
  Duration probe_timeout = 1s;      // one readiness attempt
  Duration stop_grace = 5s;         // from SIGTERM to SIGKILL
  std::size_t output_limit = 4096;  // tail of stdout+stderr kept per instance
  std::size_t reason_output = 300;  // of that tail, quoted in a failure reason
};

struct InstanceLaunch {
  Role role = Role::Canary;
  std::string version;
  int index = 0;
  std::string host = "127.0.0.1";
  int port = 0;
  ProcessSpec process;
  std::optional<HttpCheck> http;  // absent: ready when the port accepts a TCP connection
  Duration readiness_timeout = 30s;
};

class ProcessInstance : public std::enable_shared_from_this<ProcessInstance> {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  enum class Event {
    Ready,   // passed its readiness check (once)
    Failed,  // died unasked, could not start, or was not ready in time (it is being stopped)
    Gone,    // reaped; always the last event
  };
  using Listener = std::function<void(ProcessInstance&, Event, const std::string& reason)>;

  // Call on `strand`: the thread running it spawns the child, and the child's death signal
  // is tied to that thread. Events are delivered on `strand`.
  static std::shared_ptr<ProcessInstance> start(Strand strand, std::shared_ptr<Prober> prober,
                                                InstanceLaunch launch, InstanceTiming timing,
                                                Listener listener);

  // SIGTERM to its process group, SIGKILL after the grace period; Gone when reaped. On the
  // strand; no Failed follows.
  void stop();
  // SIGKILL to its process group now, from any thread (for owners that go away abruptly).
  void kill();

  const InstanceLaunch& launch() const { return launch_; }
  std::string endpoint() const;
  std::string label() const;  // "instance 1 of canary 2.0.0 (127.0.0.1:20003)"
  bool ready() const { return state_ == State::Ready; }
  bool leaving() const { return state_ == State::Stopping || state_ == State::Exited; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }

 private:
  enum class State { Starting, Ready, Stopping, Exited };
  ProcessInstance(Strand strand, std::shared_ptr<Prober> prober, InstanceLaunch launch,
                  InstanceTiming timing, Listener listener);
  void spawn();
  void poll();
  void on_probe(const ProbeResult& result);
  void on_readiness_timeout();
  void on_exit(const ProcessResult& result);
  void emit(Event event, const std::string& reason = {});

  Strand strand_;
  std::shared_ptr<Prober> prober_;
  InstanceLaunch launch_;
  InstanceTiming timing_;
  Listener listener_;
  std::optional<Subprocess> process_;
  boost::asio::steady_timer poll_timer_, deadline_, kill_timer_;
  State state_ = State::Starting;
  bool stop_requested_ = false;
  std::string last_probe_error_;
};

}  // namespace rollguard
