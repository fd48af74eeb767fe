// Preemption-bounded depth-first search: DFS over only the schedules with at
// most K preemptions.
//
// A preemption is a step by another thread while the thread that performed
// the previous step could have gone on (it is still runnable). Switching
// because the previous thread blocked (a lock held by another thread, a
// join, a wait) or finished is not one. Most concurrency bugs need only a few
// preemptions (Musuvathi and Qadeer, "Iterative context bounding", PLDI
// 2007), and the schedules with at most K of them grow polynomially with the
// length of the execution, not exponentially.
//
// Exploration order is DFS's (the running thread first, then the others in
// thread order). Preemptions only accumulate along a path, so cutting every
// branch that would exceed K explores each schedule with at most K
// preemptions exactly once. exhaustive() is true only when no branch was cut:
// then every schedule of the model has at most K preemptions and all were
// explored.
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <vector>

#include "scheduler/strategies/strategy.h"

namespace interleave {

class BoundedStrategy : public Strategy {
 public:
  // No bound: every schedule (plain DFS).
  static constexpr int kUnbounded = INT_MAX;

  explicit BoundedStrategy(int max_preemptions);

  std::string_view name() const override { return "bounded"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  // Every alternative of a step, in order, before the next thread at its
  // branch; never a preemption.
  int choose(const ChoicePoint& point) override;
  bool exhaustive() const override { return error().empty() && !cut_; }

  // The bound K.
  int bound() const { return bound_; }
  int preemption_bound() const override { return bound_; }
  std::string coverage(uint64_t executions) const override;

  // Sharding: splits the search into `count` disjoint parts and explores
  // part `index` (0-based) only. An execution's part is a hash of the threads
  // chosen at its first kShardDepth branching steps (steps with more than one
  // thread to run), so it is decided a few steps in: an execution that
  // reaches a branching step of another part is cut there (skipped(), the
  // part below left to that shard), and one that ends sooner is skipped if
  // its choices hash to another part. Every execution of the unsharded search
  // falls in exactly one part: the parts' counts add up to the whole.
  void set_shard(int index, int count) {
    shard_index_ = index;
    shard_count_ = count;
  }
  static constexpr int kShardDepth = 6;
  bool skipped() const override { return skipped_; }
  void end_execution() override;
  // Whether some schedule was left out because it needs more than K
  // preemptions (so far, over every execution explored).
  bool cut() const { return cut_; }
  // Preemptions of the current execution so far.
  int preemptions() const { return preemptions_; }
  // See Strategy::covered_fraction(): over the schedules within the bound.
  // O(length of the current path).
  std::optional<double> covered_fraction() const override;

 private:
  // One scheduling decision on the current path.
  struct Branch {
    // Threads that could run at this step.
    ThreadSet runnable;
    // Threads chosen here already, in this or earlier executions, and
    // threads the bound rules out here.
    ThreadSet tried;
    // The thread chosen in the current execution.
    ThreadId chosen;
    // The thread that performed the previous step (kNoThread at the first).
    ThreadId previous;
    // How many threads the search runs at this step over all executions:
    // runnable.size(), or 1 where the bound rules the others out.
    int alternatives;
    // The outcomes of the chosen thread's operation (Execution::choose()):
    // how many (0 until it chooses, and for an operation that does not),
    // and the one taken in the current execution.
    int outcomes = 0;
    int outcome = 0;
  };

  // Whether choosing `t` at branch `b` is a preemption.
  static bool preempts(const Branch& b, ThreadId t) {
    return b.previous != kNoThread && t != b.previous && b.runnable.contains(b.previous);
  }

  int bound_;
  // The choices of the current execution, from the first step; as in
  // DFS, branches below depth_ are replayed, beyond it new.
  std::vector<Branch> path_;
  size_t depth_ = 0;
  // Preemptions of the current execution so far.
  int preemptions_ = 0;
  // Whether a branch has been ruled out by the bound.
  bool cut_ = false;
  bool started_ = false;
  // Whether begin_execution() has found nothing left to explore.
  bool finished_ = false;

  // Sharding (set_shard()): this search's part and the number of parts.
  int shard_index_ = 0;
  int shard_count_ = 1;
  // The current execution's branching steps so far (up to kShardDepth) and
  // the hash of their choices; whether it belongs to another part.
  int branchings_ = 0;
  uint64_t shard_hash_ = 0;
  bool skipped_ = false;
  // Folds branch `b`, at depth `depth`, into the current execution's part;
  // false once the execution turns out to belong to another part.
  bool in_shard(const Branch& b, size_t depth);
};

}  // namespace interleave
