// Parallel exploration: one exhaustive search on several cores, with the
// result the sequential search gives.
//
// Workers (one OS thread each, with its own model instance, Execution and
// strategy) share the tree of scheduling choices of DFS or bounded DFS
// (bounded.h). The whole tree starts as one subtree, given to one worker;
// an idle worker asks for work, and a busy one, between two executions,
// gives away what remains at the shallowest branch of its subtree
// (BoundedStrategy::split()), so work flows to idle cores however
// unbalanced the tree is. Subtrees are disjoint, contiguous runs of the
// sequential search's executions, so:
//
//  - counts add up exactly: executions, failing ones, cut-short ones, and
//    the sequential run's preemption cut are the same whatever the number
//    of workers;
//  - the first failure is the sequential one: order keys place every
//    execution in the sequential order. A worker stops its subtree at its
//    first failure (what follows in it comes later); a subtree that comes
//    entirely after the earliest failure found so far is dropped; the
//    subtrees before it run to their end. The report then sums the
//    subtrees before the failing one and the failing one up to its
//    failure: the counts, the failure and its schedule string (shrunk
//    after the search, on one core) are the sequential run's.
//
// `iterative` runs its rounds one after the other, each round in parallel;
// its block sleep sets go with the subtrees handed over (BoundedStrategy::
// split(), BlockSleepSets::prefix()), objects named by their offset in the
// model instance, the same in every worker's.
// The probes a `dfs` check mixes into its search (portfolio.h) run on the
// calling thread beside the workers, paced as one core paces them, and are
// put back in one core's order afterwards: if a probe fails before the
// search's first failure, the search's executions before that probe are
// recounted on one core. Budgets (--executions, --seconds) are shared by
// the workers; a run they stop is reported incomplete, and its counts
// depend on the workers' timing.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "scheduler/strategies/explorer.h"

namespace interleave {

// The budget (--executions, --seconds) the workers of a parallel search
// share (this file's and parallel_dpor.h's).
class SharedBudget {
 public:
  SharedBudget(const CheckOptions& options, std::chrono::steady_clock::time_point start)
      : options_(options), start_(start) {}
  // Before each execution: "" while within the budget, else the budget
  // spent, as reports name it ("--executions 100", "--seconds 2").
  std::string spend();
  // Records in `result` that the budget `spent` stopped the run before it
  // was exhaustive: its budget, its limit, and how to raise it.
  static void report(const std::string& spent, CheckResult& result);

 private:
  const CheckOptions& options_;
  const std::chrono::steady_clock::time_point start_;
  // Executions begun by every worker.
  std::atomic<uint64_t> begun_{0};
};

// Whether options.strategy explores in parallel: every strategy (dpor,
// through parallel_dpor.h), false only for a name make_strategy() refuses.
bool runs_in_parallel(const CheckOptions& options);

// Explores with options.jobs workers (make_runner is called once for each,
// and once more for a failure to be settled, on the calling thread).
// Precondition: runs_in_parallel(options). Errors as check()'s (in
// CheckResult::error).
CheckResult explore_parallel(const ModelSpec& spec, const Params& params,
                             const RunnerFactory& make_runner, const CheckOptions& options);

}  // namespace interleave
