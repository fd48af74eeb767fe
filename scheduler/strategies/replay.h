// Replays one schedule: the choices of a Schedule, step by step. A choice of a
// thread that cannot run, a schedule that ends before the execution does, or
// one with choices left over when it has ended, is an error that says so.
#pragma once

#include <vector>

#include "scheduler/strategies/strategy.h"

namespace interleave {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<ThreadId> choices);

  std::string_view name() const override { return "replay"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  void end_execution() override;
  bool exhaustive() const override { return false; }

 private:
  // The thread for each step.
  std::vector<ThreadId> choices_;
  // The next step to replay.
  size_t next_ = 0;
  // Whether the one execution has been started.
  bool started_ = false;
  // Whether the execution stopped early because a choice did not fit.
  bool mismatched_ = false;
};

}  // namespace interleave
