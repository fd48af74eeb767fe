#include "scheduler/strategies/bounded.h"

#include <fmt/format.h>

namespace interleave {

BoundedStrategy::BoundedStrategy(int max_preemptions) : bound_(max_preemptions) {
  path_.reserve(1024);
}

bool BoundedStrategy::begin_execution() {
  depth_ = 0;
  preemptions_ = 0;
  branchings_ = 0;
  shard_hash_ = 0x9e3779b97f4a7c15ull;
  skipped_ = false;
  if (!error().empty()) return false;
  if (!started_) {
    started_ = true;
    return true;
  }
  // Backtrack: the deepest branch with a thread neither tried nor ruled out
  // by the bound takes it; everything below it is explored afresh.
  while (!path_.empty()) {
    Branch& b = path_.back();
    if (b.outcome + 1 < b.outcomes) {
      ++b.outcome;  // the same thread, its operation's next outcome
      return true;
    }
    ThreadSet untried = b.runnable;
    untried.erase_all(b.tried);
    if (!untried.empty()) {
      b.chosen = untried.lowest();
      b.tried.insert(b.chosen);
      b.outcomes = b.outcome = 0;
      return true;
    }
    path_.pop_back();
  }
  finished_ = true;
  return false;
}

ThreadId BoundedStrategy::pick(const SchedulingPoint& point) {
  const ThreadSet runnable = point.runnable;
  if (depth_ < path_.size()) {
    const Branch& b = path_[depth_++];
    if (b.runnable != runnable || b.previous != point.current) {
      set_not_deterministic(depth_);
      return kNoThread;
    }
    if (preempts(b, b.chosen)) ++preemptions_;
    if (!in_shard(b, depth_ - 1)) return kNoThread;
    return b.chosen;
  }
  const bool can_continue = point.current != kNoThread && runnable.contains(point.current);
  Branch b{runnable, ThreadSet(), kNoThread, point.current, static_cast<int>(runnable.size())};
  b.chosen = can_continue ? point.current : runnable.lowest();
  b.tried.insert(b.chosen);
  if (can_continue && preemptions_ >= bound_) {
    // Every other thread would preempt the running one, one preemption too
    // many: rule them out here.
    if (runnable.size() > 1) cut_ = true;
    b.tried = runnable;
    b.alternatives = 1;
  }
  path_.push_back(b);
  ++depth_;
  if (!in_shard(b, depth_ - 1)) return kNoThread;
  // The first choice continues the previous thread when it can: never a
  // preemption.
  return b.chosen;
}

bool BoundedStrategy::in_shard(const Branch& b, size_t depth) {
  if (shard_count_ == 1 || b.alternatives < 2 || branchings_ >= kShardDepth) return true;
  // SplitMix64-style mixing of (depth, thread) into the hash.
  uint64_t x = shard_hash_ ^ ((static_cast<uint64_t>(depth) << 8) | static_cast<uint64_t>(b.chosen));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  shard_hash_ = x ^ (x >> 31);
  if (++branchings_ < kShardDepth) return true;
  // The part is decided: below here, every execution is this part's or none is.
  skipped_ = static_cast<int>(shard_hash_ % static_cast<uint64_t>(shard_count_)) != shard_index_;
  return !skipped_;
}

void BoundedStrategy::end_execution() {
  // An execution with fewer branching steps: decided by the ones it had.
  if (shard_count_ > 1 && branchings_ < kShardDepth) {
    skipped_ = static_cast<int>(shard_hash_ % static_cast<uint64_t>(shard_count_)) != shard_index_;
  }
}

int BoundedStrategy::choose(const ChoicePoint& point) {
  Branch& b = path_[depth_ - 1];  // the branch of the step that chooses
  if (b.outcomes == 0) {
    b.outcomes = point.alternatives;  // first time here: its first outcome
    b.outcome = 0;
  } else if (b.outcomes != point.alternatives) {
    set_not_deterministic(depth_);
    return -1;
  }
  return b.outcome;
}

std::optional<double> BoundedStrategy::covered_fraction() const {
  if (finished_) return 1.0;
  CoveredFraction fraction;
  for (const Branch& b : path_) {
    ThreadSet untried = b.runnable;
    untried.erase_all(b.tried);
    // Alternatives finished before the current one: those neither current
    // nor still to come.
    fraction.add_node(b.alternatives, b.alternatives - 1 - static_cast<int>(untried.size()));
    if (b.outcomes > 1) fraction.add_node(b.outcomes, b.outcome);
  }
  return fraction.value();
}

std::string BoundedStrategy::coverage(uint64_t executions) const {
  // Nothing cut: every schedule was explored, and the default wording fits.
  if (exhaustive()) return {};
  return fmt::format("in {} executions within {} preemption{}", executions, bound_,
                     bound_ == 1 ? "" : "s");
}

}  // namespace interleave
