// Iterative preemption bounding: bounded DFS with K = 0, then 1, 2, ...,
// until a bug is found or a round cuts no schedule (then every schedule of
// the model has been explored). Every schedule with fewer preemptions has
// passed before a round with K preemptions starts, so the first failure has
// the fewest preemptions any failing schedule has: the simplest
// counterexample, with the fewest context switches to follow.
//
// Rounds do not run every order in which the threads' blocks can run: a
// block (a thread's steps from where it is chosen to where it blocks or
// finishes) that touches nothing another block touches is run in one order
// relative to it (block sleep sets, block_sleep.h), within the same bound;
// what they prune is counted as pruned, not as executions. Ten threads that
// never block would otherwise cost 10! executions before the first
// preemption is tried.
//
// Each round starts over, so schedules with fewer than K preemptions are run
// again in round K; the repetition costs little, because the number of
// schedules grows quickly with K. The explorer stops at the first failure;
// with `all` (count every failing execution) rounds would count the same
// failing schedule again, so make_strategy() rejects that combination.
#pragma once

#include "scheduler/strategies/bounded.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

class IterativeStrategy final : public Strategy {
 public:
  // max_bound: the largest K to try; -1 for no limit. block_sleep_sets:
  // rounds run each class of equivalent schedules once (false: every
  // schedule, for tests that compare the two).
  explicit IterativeStrategy(int max_bound = -1, bool block_sleep_sets = true);

  std::string_view name() const override { return "iterative"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  int choose(const ChoicePoint& point) override;
  void end_execution() override { round_.end_execution(); }
  // True when a round cut no schedule: all were explored.
  bool exhaustive() const override { return error().empty() && exhausted_; }

  // The bound of the current (last) round.
  int bound() const { return round_.bound(); }
  int preemption_bound() const override { return bound(); }
  std::string coverage(uint64_t executions) const override;
  // coverage() of a run whose last round had bound `k`, that covered every
  // schedule or not.
  static std::string describe(int k, bool exhaustive, uint64_t executions);
  // The largest bound to try, -1 for none.
  int max_bound() const { return max_bound_; }
  // No covered_fraction(): the current round's would be a fraction of that
  // round only, and how many rounds follow is unknown, so no total can be
  // estimated honestly.

 private:
  int max_bound_;
  // The current round: bounded DFS with K = bound().
  BoundedStrategy round_;
  // Whether rounds use block sleep sets.
  bool block_sleep_sets_;
  // Whether a round finished without cutting a schedule.
  bool exhausted_ = false;
};

}  // namespace interleave
