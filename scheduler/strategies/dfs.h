// Exhaustive depth-first search over all schedules: preemption-bounded DFS
// (bounded.h) without a bound. Stateless: every execution starts from a
// fresh model and follows the current path of choices, then branches. At
// each new branch point it first continues the thread that ran last (if it
// can run), then tries the others in thread order, so schedules with fewer
// context switches come first.
#pragma once

#include "scheduler/strategies/bounded.h"

namespace interleave {

class DfsStrategy final : public BoundedStrategy {
 public:
  DfsStrategy() : BoundedStrategy(kUnbounded) {}

  std::string_view name() const override { return "dfs"; }
  int preemption_bound() const override { return -1; }
};

}  // namespace interleave
