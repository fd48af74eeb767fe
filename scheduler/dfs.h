// Exhaustive depth-first search over all schedules, stateless: every
// execution starts from a fresh model and follows the current path of
// choices, then branches. At each new branch point it first continues the
// thread that ran last (if it can run), then tries the others in thread
// order, so schedules with fewer context switches come first.
#pragma once

#include <cstdint>
#include <vector>

#include "scheduler/strategy.h"

namespace interleave {

class DfsStrategy final : public Strategy {
 public:
  DfsStrategy();

  std::string_view name() const override { return "dfs"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  bool exhaustive() const override { return error().empty(); }

 private:
  // One scheduling decision on the current path.
  struct Branch {
    // Threads that could run at this step.
    ThreadSet runnable;
    // Threads already chosen here, in this or earlier executions.
    ThreadSet tried;
    // The thread chosen in the current execution.
    ThreadId chosen;
  };

  // The choices of the current execution, from the first step. Branches below
  // `depth_` are replayed from earlier executions; beyond it they are new.
  std::vector<Branch> path_;
  // The step the current execution has reached.
  size_t depth_ = 0;
  // Whether begin_execution() has been called before.
  bool started_ = false;
};

}  // namespace interleave
