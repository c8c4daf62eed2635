#pragma once
// One apply at a time per router: a second route table handed over while the first is still
// being written waits for it, so two applies never interleave their commands and the last
// one handed over is the one left in place. Everything runs on the strand given, which the
// routers also use for their own I/O.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <functional>
#include <memory>

namespace rollguard {

class SerialJobs {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  // A job calls `finished` exactly once, from the strand, when it is over.
  using Job = std::function<void(std::function<void()> finished)>;

  explicit SerialJobs(Strand strand) : state_(std::make_shared<State>(std::move(strand))) {}

  // Queues `job`; it starts on the strand once the jobs before it have finished.
  void submit(Job job) {
    boost::asio::post(state_->strand, [state = state_, job = std::move(job)]() mutable {
      state->queue.push_back(std::move(job));
      start_next(state);
    });
  }

 private:
  struct State {
    explicit State(Strand s) : strand(std::move(s)) {}
    Strand strand;
    std::deque<Job> queue;
    bool busy = false;
  };

  static void start_next(const std::shared_ptr<State>& state) {
    if (state->busy || state->queue.empty()) return;
    state->busy = true;
    Job job = std::move(state->queue.front());
    state->queue.pop_front();
    job([state] {
      boost::asio::post(state->strand, [state] {
        state->busy = false;
        start_next(state);
      });
    });
  }

  std::shared_ptr<State> state_;
};

}  // namespace rollguard
