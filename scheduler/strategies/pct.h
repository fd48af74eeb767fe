// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi and
// Nagarakatte, "A randomized scheduler with probabilistic guarantees of
// finding bugs", ASPLOS 2010).
//
// Each execution gives the threads distinct random priorities d, d+1, ...
// (a uniformly random permutation) and picks d-1 priority change points
// k_1..k_{d-1}, each uniform among the steps 1..k. The scheduler always runs
// the highest-priority runnable thread; just before step k_i, the thread
// about to run drops to priority i, below every initial priority, so another
// thread takes over there. A bug of depth d (one that needs d ordering
// constraints to show) in a program with n threads and k steps is found by
// one execution with probability at least 1/(n k^(d-1)).
//
// k is estimated from the previous execution's length (the first execution
// assumes `initial_steps`). Threads created during an execution take the
// priority drawn for their number. Deterministic for a seed, like
// RandomStrategy (same generator).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "scheduler/strategies/random.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

class PctStrategy final : public Strategy {
 public:
  static constexpr size_t kDefaultInitialSteps = 100;

  // depth: the bug depth d to aim at, at least 1 (d-1 change points).
  PctStrategy(uint64_t seed, int depth, size_t initial_steps = kDefaultInitialSteps);

  std::string_view name() const override { return "pct"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  // Uniform among the alternatives (priorities order threads, not outcomes).
  int choose(const ChoicePoint& point) override {
    return static_cast<int>(rng_.below(static_cast<uint64_t>(point.alternatives)));
  }
  void end_execution() override;
  bool exhaustive() const override { return false; }

  bool endless() const override { return true; }
  std::string coverage(uint64_t executions) const override;
  std::string rerun() const override;
  std::optional<uint64_t> seed() const override { return seed_; }
  int depth() const { return depth_; }

 private:
  // The highest-priority member of a non-empty set.
  ThreadId highest(ThreadSet set) const;

  uint64_t seed_;
  int depth_;
  Rng rng_;
  // priority_[t]: thread t's priority in the current execution; higher runs.
  std::array<int, kMaxThreads> priority_{};
  // change_[i]: the step (1-based) before which change point i+1 lowers the
  // thread about to run to priority i+1.
  std::vector<size_t> change_;
  // Steps of the current execution so far, and the estimate of k.
  size_t steps_ = 0;
  size_t estimate_;
};

}  // namespace interleave
