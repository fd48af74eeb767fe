// Shrinking: reduces a failing schedule to one that fails the same way
// (Failure::same_as) with the fewest preemptions it can find, then the fewest
// steps.
//
// Candidates are edits of the schedule's choices (truncate it at a context
// switch, move a block of one thread's steps to join the thread's previous or
// next block, move a context switch one step earlier or later). Each is
// re-executed with a guided strategy that follows the edited choices and,
// where a choice cannot run or the choices run out, lets the current thread go
// on (or else the lowest runnable thread): every candidate is a complete
// execution. A candidate is accepted only if it fails the same way with fewer
// preemptions, or as many and fewer steps; the search restarts from each
// accepted candidate until none improves it or the re-execution cap is
// reached. Deterministic: the same schedule gives the same result.
#pragma once

#include <cstddef>
#include <vector>

#include "scheduler/runtime/execution.h"
#include "scheduler/runtime/failure.h"

namespace interleave {

struct ShrinkResult {
  // False when the original choices did not reproduce the failure (a model
  // that is not deterministic); the other fields then describe the original.
  bool reproduced = false;
  // The shrunk execution: its choices (one per step), trace and failure.
  std::vector<ThreadId> choices;
  std::vector<TraceStep> trace;
  Failure failure;
  // Preemptions of the shrunk schedule, and of the original (-1: not
  // reproduced).
  int preemptions = -1;
  int original_preemptions = -1;
  size_t original_steps = 0;
  // Executions run while shrinking, the original's replay included.
  size_t executions = 0;
};

// Preemptions, then steps: the order shrinking minimises.
struct ShrinkCost {
  int preemptions = 0;
  size_t steps = 0;
  bool operator<(const ShrinkCost& o) const {
    return preemptions != o.preemptions ? preemptions < o.preemptions : steps < o.steps;
  }
};

inline constexpr size_t kDefaultShrinkExecutions = 2000;

// Shrinks the failing execution `trace` of `model` (its steps' threads and
// outcomes), which failed with `failure`. Runs at most `max_executions`
// executions.
ShrinkResult shrink(ModelRunner& model, const std::vector<TraceStep>& trace,
                    const Failure& failure, const ExecutionLimits& limits = {},
                    size_t max_executions = kDefaultShrinkExecutions);

}  // namespace interleave
