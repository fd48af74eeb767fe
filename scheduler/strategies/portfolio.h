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

// The probes alone, in the order a portfolio runs them: a seeded stream of
// executions, random walks and PCT in turn. The parallel explorer
// (parallel.h) runs them beside its workers, paced as a portfolio paces them.
class Probes final : public Strategy {
 public:
  explicit Probes(uint64_t seed);
  std::string_view name() const override { return "probes"; }
  // Starts the next probe; never runs out.
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  int choose(const ChoicePoint& point) override;
  void end_execution() override { current_->end_execution(); }
  bool exhaustive() const override { return false; }
  bool probing() const override { return true; }

  // Probes begun so far.
  uint64_t begun() const { return begun_; }

 private:
  // Even probes walk at random, odd ones use PCT.
  RandomStrategy random_;
  PctStrategy pct_;
  Strategy* current_;
  uint64_t begun_ = 0;
};

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
  uint64_t bounded_plans() const override { return exhaustive_->bounded_plans(); }
  std::optional<double> covered_fraction() const override {
    return exhaustive_->covered_fraction();
  }

  // Probes run so far.
  uint64_t probes() const { return probes_.begun(); }

  // How many probes have run once the exhaustive strategy has begun
  // `exhaustive_runs` executions and the next one is due: the probes between
  // its executions n and n + 1 are quota(n) - quota(n - 1).
  static uint64_t quota(uint64_t exhaustive_runs);

 private:
  // The strategy whose executions are counted and whose end ends the run.
  std::unique_ptr<Strategy> exhaustive_;
  Probes probes_;
  // The strategy driving the current execution.
  Strategy* current_;
  // Executions begun by the exhaustive strategy.
  uint64_t exhaustive_runs_ = 0;
};

}  // namespace interleave
