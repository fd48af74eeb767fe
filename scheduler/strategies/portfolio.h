// Shallow bugs first: an exhaustive strategy with randomised probes mixed in.
//
// DFS and DPOR explore the tree of scheduling choices depth first, so they
// revisit the last choices of an execution long before the first ones. With
// many threads that is fatal for shallow bugs: a lost update between the
// first two threads waits until every order of the other eight has been
// tried, millions of executions, while a random walk finds it in a few
// hundred. A portfolio runs both. After the exhaustive strategy's first
// kWarmup executions (small models end before that and are explored exactly
// as before), it interleaves probes, executions chosen by a random walk and
// by PCT in turn, one per exhaustive execution until kEagerProbes probes have
// run, then one per kLateRatio exhaustive executions. The exhaustive strategy
// is never disturbed: it sees only its own executions, so its counts and
// its "every schedule covered" verdict are exactly what it gives alone, and
// a run without a bug still ends when the exhaustive search ends.
//
// Probes are seeded: the same model and seed give the same run. A failure a
// probe finds is reported like any other (its schedule string replays it);
// the explorer counts probes apart from the exhaustive executions
// (CheckResult::probe_executions).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/strategies/pct.h"
#include "scheduler/strategies/random.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

class PortfolioStrategy final : public Strategy {
 public:
  // Exhaustive executions before the first probe.
  static constexpr uint64_t kWarmup = 100;
  // Probes run one per exhaustive execution until there are this many ...
  static constexpr uint64_t kEagerProbes = 500;
  // ... then one per this many exhaustive executions.
  static constexpr uint64_t kLateRatio = 16;
  // PCT's bug depth for the PCT probes.
  static constexpr int kPctDepth = 3;

  // `exhaustive` explores; probes are seeded from `seed`.
  PortfolioStrategy(std::unique_ptr<Strategy> exhaustive, uint64_t seed);

  // Named, described and judged as the exhaustive strategy: probes add
  // executions, never coverage.
  std::string_view name() const override { return exhaustive_->name(); }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  int choose(const ChoicePoint& point) override;
  void end_execution() override;
  bool exhaustive() const override { return exhaustive_->exhaustive(); }
  bool probing() const override { return current_ != exhaustive_.get(); }

  std::string coverage(uint64_t executions) const override {
    return exhaustive_->coverage(executions);
  }
  int preemption_bound() const override { return exhaustive_->preemption_bound(); }
  std::optional<double> covered_fraction() const override {
    return exhaustive_->covered_fraction();
  }

  // Probes run so far.
  uint64_t probes() const { return probes_; }

 private:
  // Whether the next execution is a probe.
  bool probe_due() const;

  // The strategy whose executions are counted and whose end ends the run.
  std::unique_ptr<Strategy> exhaustive_;
  // The probes, taking turns: even probes walk at random, odd ones use PCT.
  RandomStrategy random_;
  PctStrategy pct_;
  // The strategy driving the current execution.
  Strategy* current_;
  // Executions begun by the exhaustive strategy, and probes begun.
  uint64_t exhaustive_runs_ = 0;
  uint64_t probes_ = 0;
};

}  // namespace interleave
