#include <fmt/format.h>

#include "scheduler/strategies/iterative.h"

namespace interleave {

IterativeStrategy::IterativeStrategy(int max_bound, bool block_sleep_sets)
    : max_bound_(max_bound), round_(0), block_sleep_sets_(block_sleep_sets) {
  if (block_sleep_sets_) round_.use_block_sleep_sets();
}

bool IterativeStrategy::begin_execution() {
  if (!error().empty()) return false;
  for (;;) {
    if (round_.begin_execution()) return true;
    if (!round_.error().empty()) {
      set_error(round_.error());
      return false;
    }
    if (!round_.cut()) {
      exhausted_ = true;
      return false;
    }
    if (max_bound_ >= 0 && round_.bound() >= max_bound_) return false;
    round_ = BoundedStrategy(round_.bound() + 1);
    if (block_sleep_sets_) round_.use_block_sleep_sets();
  }
}

ThreadId IterativeStrategy::pick(const SchedulingPoint& point) {
  ThreadId t = round_.pick(point);
  if (!round_.error().empty()) set_error(round_.error());
  return t;
}

int IterativeStrategy::choose(const ChoicePoint& point) {
  const int taken = round_.choose(point);
  if (!round_.error().empty()) set_error(round_.error());
  return taken;
}

std::string IterativeStrategy::coverage(uint64_t executions) const {
  return describe(bound(), exhaustive(), executions);
}

std::string IterativeStrategy::describe(int k, bool exhaustive, uint64_t executions) {
  const std::string word = fmt::format("{} preemption{}", k, k == 1 ? "" : "s");
  if (exhaustive) {
    return fmt::format("explored all schedules, none needs more than {}: {} executions over "
                       "bounds 0..{}",
                       word, executions, k);
  }
  return fmt::format("in {} executions within {} (bounds 0..{})", executions, word, k);
}

}  // namespace interleave
