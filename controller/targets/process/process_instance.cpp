#include "controller/targets/process/process_instance.hpp"

#include <signal.h>

#include <boost/asio/dispatch.hpp>

#include "controller/os/exit_reason.hpp"
#include "manifests/duration.hpp"

namespace rollguard {

namespace net = boost::asio;
using error_code = boost::system::error_code;

std::shared_ptr<ProcessInstance> ProcessInstance::start(Strand strand,
                                                        std::shared_ptr<Prober> prober,
                                                        InstanceLaunch launch,
                                                        InstanceTiming timing, Listener listener) {
  std::shared_ptr<ProcessInstance> self(new ProcessInstance(
      std::move(strand), std::move(prober), std::move(launch), timing, std::move(listener)));
  self->spawn();
  return self;
}

ProcessInstance::ProcessInstance(Strand strand, std::shared_ptr<Prober> prober,
                                 InstanceLaunch launch, InstanceTiming timing, Listener listener)
    : strand_(std::move(strand)),
      prober_(std::move(prober)),
      launch_(std::move(launch)),
      timing_(timing),
      listener_(std::move(listener)),
      poll_timer_(strand_),
      deadline_(strand_),
      kill_timer_(strand_) {}

std::string ProcessInstance::endpoint() const {
  return launch_.host + ":" + std::to_string(launch_.port);
}

std::string ProcessInstance::label() const {
  return "instance " + std::to_string(launch_.index) + " of " +
         std::string(to_string(launch_.role)) + " " + launch_.version + " (" + endpoint() + ")";
}

void ProcessInstance::spawn() {
  launch_.process.output_limit = timing_.output_limit;
  // Subprocess delivers the exit on a strand of its own wrapped around ours, so on ours too.
  process_ = Subprocess::spawn(strand_, launch_.process,
                               [self = shared_from_this()](ProcessResult r) { self->on_exit(r); });
  if (process_->pid() < 0) return;  // on_exit says why
  deadline_.expires_after(launch_.readiness_timeout);
  deadline_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->on_readiness_timeout();
  });
  poll();
}

void ProcessInstance::poll() {
  if (state_ != State::Starting) return;
  ProbeRequest request;
  if (launch_.http)
    request.check = *launch_.http;
  else
    request.check = TcpCheck{};
  request.endpoint = endpoint();
  request.timeout = timing_.probe_timeout;
  prober_->probe(request, [self = shared_from_this()](ProbeResult result) {
    net::dispatch(self->strand_, [self, result = std::move(result)] { self->on_probe(result); });
  });
}

void ProcessInstance::on_probe(const ProbeResult& result) {
  if (state_ != State::Starting) return;
  if (result.ok) {
    state_ = State::Ready;
    deadline_.cancel();
    emit(Event::Ready);
    return;
  }
  last_probe_error_ = result.reason;
  poll_timer_.expires_after(timing_.poll_interval);
  poll_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->poll();
  });
}

void ProcessInstance::on_readiness_timeout() {
  if (state_ != State::Starting) return;
  const std::string why = last_probe_error_.empty() ? "no answer yet" : last_probe_error_;
  stop();
  emit(Event::Failed,
       label() + " not ready after " + format_duration(launch_.readiness_timeout) + ": " + why);
}

void ProcessInstance::stop() {
  if (stop_requested_ || state_ == State::Exited) return;
  stop_requested_ = true;
  state_ = State::Stopping;
  poll_timer_.cancel();
  deadline_.cancel();
  if (!process_) return;
  process_->signal_group(SIGTERM);
  kill_timer_.expires_after(timing_.stop_grace);
  kill_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec && self->state_ != State::Exited) self->process_->signal_group(SIGKILL);
  });
}

void ProcessInstance::kill() {
  if (process_) process_->signal_group(SIGKILL);
}

void ProcessInstance::on_exit(const ProcessResult& result) {
  const bool was_ready = state_ == State::Ready;
  state_ = State::Exited;
  poll_timer_.cancel();
  deadline_.cancel();
  kill_timer_.cancel();
  if (!stop_requested_) {
    if (!result.started)
      emit(Event::Failed, label() + " could not start: " + result.error);
    else
      emit(Event::Failed, label() + " " + describe_exit(result) +
                              (was_ready ? "" : " before it was ready") +
                              output_suffix(result, timing_.reason_output));
  }
  emit(Event::Gone);
  listener_ = nullptr;  // nothing follows Gone; let go of the owner
}

void ProcessInstance::emit(Event event, const std::string& reason) {
  if (auto listener = listener_) listener(*this, event, reason);
}

}  // namespace rollguard
