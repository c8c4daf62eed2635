#include "controller/runtime/live_rollout.hpp"

#include <boost/asio/post.hpp>
#include <future>

namespace rollguard {

LiveRollout::LiveRollout(RolloutSpec spec, Reconciler::EventSink on_event)
    : strand_(io_.get_executor()),
      runtime_(std::make_shared<const RolloutSpec>(std::move(spec)), strand_, clock_,
               [on_event = std::move(on_event)](const Events& events, const RolloutState& s) {
                 for (const Event& e : events) on_event(e, s);
                 return std::optional<std::string>();  // nothing to write: `run` keeps no store
               }) {}

LiveRollout::~LiveRollout() {
  shutdown();
}

template <class F>
auto LiveRollout::on_strand(F f) -> decltype(f()) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  boost::asio::post(strand_, [&task] { task(); });
  return result.get();
}

std::optional<std::string> LiveRollout::start(const std::string& known_good) {
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  if (auto error = runtime_.prepare()) return error;
  on_strand([&] { runtime_.start(known_good); });
  return std::nullopt;
}

RolloutState LiveRollout::state() {
  return on_strand([this] { return runtime_.reconciler().state(); });
}

Plan LiveRollout::plan() {
  return on_strand([this] { return runtime_.reconciler().plan(); });
}

std::vector<TemplateProgress> LiveRollout::analyses() {
  return on_strand([this] { return runtime_.reconciler().analyses(); });
}

bool LiveRollout::settled() {
  return on_strand([this] { return runtime_.reconciler().settled(); });
}

MachineOutcome LiveRollout::command(const OperatorCommand& command) {
  return on_strand([&] { return runtime_.reconciler().command(command); });
}

void LiveRollout::shutdown() {
  if (stopped_ || threads_.empty()) return;
  stopped_ = true;
  if (runtime_.running()) {
    std::promise<void> gone;
    on_strand([&] { runtime_.stop(true, [&gone] { gone.set_value(); }); });
    gone.get_future().wait();
  }
  runtime_.drain_router(2s);
  work_.reset();
  io_.stop();
  for (std::thread& t : threads_) t.join();
}

}  // namespace rollguard
