// The one interface every exploration strategy implements. The explorer asks
// a strategy to start an execution, then, at every visible operation, which
// runnable thread goes next. A strategy sees only scheduling decisions, never
// the model.
//
// Adding a strategy means adding one file that implements this interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/runtime/operation.h"
#include "scheduler/runtime/thread_set.h"

namespace interleave {

// What a strategy sees when it picks the next step.
struct SchedulingPoint {
  // Threads that can perform their next operation now; never empty.
  ThreadSet runnable;
  // The thread that performed the previous step; kNoThread before the first.
  ThreadId current = kNoThread;
  // Threads that have not finished (runnable or blocked).
  ThreadSet live;
  // next[t]: the operation live thread t performs when it is next chosen.
  const Operation* next = nullptr;
  // spin_waker[t]: for a thread held as a spin (or after a yield) and since
  // woken, the step (0-based) that woke it: its next step cannot come before
  // that one. -1 otherwise; nullptr: no thread was ever held.
  const int32_t* spin_waker = nullptr;
};

// What a strategy sees when the operation of the step it just picked has
// several possible outcomes (Execution::choose()).
struct ChoicePoint {
  // The thread performing the step (the one pick() returned last).
  ThreadId thread = kNoThread;
  // The step (0-based) whose operation chooses.
  size_t step = 0;
  // How many outcomes it can have (>= 2); the strategy returns one of
  // 0..alternatives-1. Alternative 0 is what the operation did before it
  // had a choice (e.g. notify_one waking the longest waiter).
  int alternatives = 2;
};

// Builds the estimate Strategy::covered_fraction() describes, one node of
// the current path at a time, root first.
class CoveredFraction {
 public:
  // A node with `alternatives` branches in all, `finished` of them explored
  // before the current one.
  void add_node(int alternatives, int finished) {
    weight_ /= alternatives;
    fraction_ += finished * weight_;
  }
  double value() const { return fraction_; }

 private:
  // The share of the whole tree under the current node, if sibling subtrees
  // are equally big.
  double weight_ = 1;
  // The share of the tree left of the path so far.
  double fraction_ = 0;
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  // Name shown in reports ("dfs", "replay", ...).
  virtual std::string_view name() const = 0;

  // Prepares the next execution. Returns false when there is nothing left to
  // explore (or the strategy failed; see error()).
  virtual bool begin_execution() = 0;

  // Chooses the thread that performs the next step, one of point.runnable.
  // Returning a thread outside it ends the execution: as an error if the
  // strategy has set error(), otherwise as pruned (the strategy knows the
  // rest of this execution repeats one it has explored, e.g. DPOR's
  // sleep-set-blocked executions).
  virtual ThreadId pick(const SchedulingPoint& point) = 0;

  // Chooses the outcome of the operation of the step just picked, when it
  // has several (a notify_one with several waiters wakes any one of them; a
  // wait may wake spuriously). An exhaustive strategy explores every
  // alternative of every such step. Returning a value outside
  // 0..alternatives-1 ends the execution, like pick() returning a thread
  // that cannot run.
  virtual int choose(const ChoicePoint& point) = 0;

  // Called when an execution has ended, however it ended.
  virtual void end_execution() {}

  // True when the strategy, having returned false from begin_execution()
  // without error, has covered every schedule of the model.
  virtual bool exhaustive() const = 0;

  // True when the execution just run belongs to another shard of a sharded
  // search (bounded.h's set_shard()): it is not counted, and its failures are
  // that shard's to report. Asked after the execution has ended.
  virtual bool skipped() const { return false; }

  // True while the current execution is a probe: an extra execution beside
  // an exhaustive search (portfolio.h) that the search's counts leave out.
  virtual bool probing() const { return false; }

  // --- How reports describe a run (defaults suit exhaustive strategies) ---

  // Whether the strategy never runs out of executions by itself (random,
  // PCT): the explorer then gives it a default budget.
  virtual bool endless() const { return false; }
  // What a finished run of `executions` executions covered, completing "no
  // bug found ...", e.g. "in 1000 random executions (seed 1)". Empty: the
  // explorer's own wording ("explored all N executions" when exhaustive).
  virtual std::string coverage(uint64_t /*executions*/) const { return {}; }
  // The options that rerun this exact run ("--strategy pct --depth 3 --seed
  // 42"), when a schedule string alone does not reproduce the run; else "".
  virtual std::string rerun() const { return {}; }
  // The seed of a randomised strategy, if any.
  virtual std::optional<uint64_t> seed() const { return std::nullopt; }
  // The preemption bound the run used; -1 for none.
  virtual int preemption_bound() const { return -1; }
  // Races whose plan a memory bound cut to its first step (DPOR's
  // set_plan_limit()): the search stays exhaustive, with more executions cut
  // short. 0 for strategies without such a bound.
  virtual uint64_t bounded_plans() const { return 0; }

  // --- Progress (called by the progress line a few times a second at most,
  // between executions; never per step) ---

  // An online estimate (Knuth's, for the tree of scheduling choices) of the
  // fraction of its executions, complete or cut short, that the strategy has
  // already run: along the current path of choices, the sum over depths i
  // of (alternatives at node i finished before the current one) divided by
  // the product over j <= i of the alternatives at node j, i.e. the share of
  // the tree left of the current path if every subtree at a node were as big
  // as its siblings. 0 before the first execution, 1 once nothing is left.
  // nullopt when the strategy has no such estimate (random walks, PCT, a
  // strategy that does not implement it).
  virtual std::optional<double> covered_fraction() const { return std::nullopt; }

  // Why the strategy could not go on (a schedule that does not fit the
  // execution, a model that behaves nondeterministically). Empty if none.
  const std::string& error() const { return error_; }

 protected:
  void set_error(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  // Replaying the choices of an earlier execution reached a different state
  // at step `step` (1-based): the model depends on something besides them.
  void set_not_deterministic(size_t step);

 private:
  std::string error_;
};

}  // namespace interleave
