#include "scheduler/strategies/pct.h"

#include <algorithm>
#include <bit>
#include <utility>

#include <fmt/format.h>

namespace interleave {

PctStrategy::PctStrategy(uint64_t seed, int depth, size_t initial_steps)
    : seed_(seed), depth_(depth), rng_(seed), estimate_(std::max<size_t>(initial_steps, 1)) {
  if (depth < 1) set_error(fmt::format("PCT depth {} must be at least 1", depth));
}

bool PctStrategy::begin_execution() {
  if (!error().empty()) return false;
  steps_ = 0;
  // Initial priorities depth_ .. depth_ + kMaxThreads - 1, shuffled
  // (Fisher-Yates): the threads that exist get a uniformly random order.
  for (int t = 0; t < kMaxThreads; ++t) priority_[t] = depth_ + t;
  for (int t = kMaxThreads - 1; t > 0; --t) {
    std::swap(priority_[t], priority_[rng_.below(static_cast<uint64_t>(t) + 1)]);
  }
  change_.clear();
  for (int i = 1; i < depth_; ++i) change_.push_back(1 + rng_.below(estimate_));
  return true;
}

ThreadId PctStrategy::highest(ThreadSet set) const {
  ThreadId best = kNoThread;
  for (uint64_t bits = set.bits(); bits != 0; bits &= bits - 1) {
    ThreadId t = std::countr_zero(bits);
    if (best == kNoThread || priority_[t] > priority_[best]) best = t;
  }
  return best;
}

ThreadId PctStrategy::pick(const SchedulingPoint& point) {
  ++steps_;
  for (size_t i = 0; i < change_.size(); ++i) {
    if (change_[i] == steps_) priority_[highest(point.runnable)] = static_cast<int>(i) + 1;
  }
  return highest(point.runnable);
}

void PctStrategy::end_execution() { estimate_ = std::max<size_t>(steps_, 1); }

std::string PctStrategy::coverage(uint64_t executions) const {
  return fmt::format("in {} PCT executions (depth {}, seed {})", executions, depth_, seed_);
}

std::string PctStrategy::rerun() const {
  return fmt::format("--strategy pct --depth {} --seed {}", depth_, seed_);
}

}  // namespace interleave
