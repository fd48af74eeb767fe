// Randomised bug finding: a uniform random walk over schedules. At every
// step the next thread is drawn uniformly from the runnable ones. Cheap, no
// memory of earlier executions, and good at bugs that many schedules
// expose; it never knows when it has covered everything (exhaustive() is
// false), so the explorer runs it within a budget of executions or seconds.
//
// Deterministic: the same seed gives the same sequence of executions on
// every machine and compiler, because the generator (xoshiro256**, seeded
// through SplitMix64) and the draw (rejection sampling) are written out here
// rather than taken from <random>'s implementation-defined distributions.
#pragma once

#include <array>
#include <cstdint>

#include "scheduler/strategies/strategy.h"

namespace interleave {

// xoshiro256** (Blackman and Vigna), its state filled from the seed by
// SplitMix64: one 64-bit draw per call to next().
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  // Uniform in [0, n), n >= 1, without modulo bias.
  uint64_t below(uint64_t n);
  // A uniformly chosen member of a non-empty set.
  ThreadId pick_from(ThreadSet set);

 private:
  std::array<uint64_t, 4> s_;
};

class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(uint64_t seed);

  std::string_view name() const override { return "random"; }
  bool begin_execution() override { return error().empty(); }
  ThreadId pick(const SchedulingPoint& point) override { return rng_.pick_from(point.runnable); }
  // Uniform among the alternatives.
  int choose(const ChoicePoint& point) override {
    return static_cast<int>(rng_.below(static_cast<uint64_t>(point.alternatives)));
  }
  bool exhaustive() const override { return false; }

  bool endless() const override { return true; }
  std::string coverage(uint64_t executions) const override;
  std::string rerun() const override;
  std::optional<uint64_t> seed() const override { return seed_; }

 private:
  uint64_t seed_;
  Rng rng_;
};

}  // namespace interleave
