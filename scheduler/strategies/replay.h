// Replays one schedule: the choices of a Schedule, step by step. A choice of a
// thread that cannot run, a schedule that ends before the execution does, or
// one with choices left over when it has ended, is an error that says so.
#pragma once

#include <vector>

#include "scheduler/strategies/strategy.h"

namespace interleave {

class ReplayStrategy final : public Strategy {
 public:
  // `alternatives`: the outcome taken at each step (see Schedule); empty
  // or shorter: 0 for the steps it does not cover.
  explicit ReplayStrategy(std::vector<ThreadId> choices, std::vector<uint8_t> alternatives = {});

  std::string_view name() const override { return "replay"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  int choose(const ChoicePoint& point) override;
  void end_execution() override;
  bool exhaustive() const override { return false; }

 private:
  // Sets the error when the last step picked has an outcome it never chose.
  bool outcome_unused();

  // The thread for each step.
  std::vector<ThreadId> choices_;
  // The outcome for each step (Schedule::alternatives).
  std::vector<uint8_t> alternatives_;
  // The next step to replay.
  size_t next_ = 0;
  // Whether the step before next_ chose its outcome (Execution::choose()).
  bool chose_ = false;
  // Whether the one execution has been started.
  bool started_ = false;
  // Whether the execution stopped early because a choice did not fit.
  bool mismatched_ = false;
};

}  // namespace interleave
