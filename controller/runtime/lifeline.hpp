#pragma once
// How a completion reaches an owner that may be gone. Probes, metric reads, synthetic
// transactions, router changes and target reports finish on any thread, and a stop may have
// destroyed their owner (a reconciler, its probe loop, its analysis runner) by then. So a
// completion holds a shared Lifeline and nothing of the owner's: the lifeline posts onto the
// owner's strand (the post outlives the owner) and there the work runs only if the owner
// still lives. `alive_` is read and cut on that strand alone, so it needs no lock.
#include <functional>
#include <memory>
#include <utility>

namespace rollguard {

class Lifeline : public std::enable_shared_from_this<Lifeline> {
 public:
  using Post = std::function<void(std::function<void()>)>;

  static std::shared_ptr<Lifeline> make(Post post) {
    return std::shared_ptr<Lifeline>(new Lifeline(std::move(post)));
  }

  // From any thread: `work` runs on the owner's strand, unless the owner is gone by then.
  void deliver(std::function<void()> work) {
    post_([self = shared_from_this(), work = std::move(work)] {
      if (self->alive_) work();
    });
  }

  // On the strand: from the owner's destructor, so that nothing delivered later runs.
  void cut() { alive_ = false; }

 private:
  explicit Lifeline(Post post) : post_(std::move(post)) {}

  const Post post_;
  bool alive_ = true;
};

}  // namespace rollguard
