#include "scheduler/strategies/explorer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "scheduler/strategies/bounded.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/iterative.h"
#include "scheduler/strategies/parallel.h"
#include "scheduler/strategies/pct.h"
#include "scheduler/strategies/portfolio.h"
#include "scheduler/reports/progress.h"
#include "scheduler/strategies/random.h"
#include "scheduler/strategies/replay.h"
#include "scheduler/strategies/shrink.h"

namespace interleave {

namespace {

// Replays a schedule and counts its preemptions: steps by another thread
// while the thread of the previous step was still runnable.
class PreemptionCounter final : public Strategy {
 public:
  explicit PreemptionCounter(const std::vector<TraceStep>& trace) : trace_(trace) {}
  std::string_view name() const override { return "count-preemptions"; }
  bool begin_execution() override { return true; }
  ThreadId pick(const SchedulingPoint& point) override {
    if (next_ >= trace_.size()) return kNoThread;
    ThreadId t = trace_[next_++].thread;
    if (point.current != kNoThread && t != point.current &&
        point.runnable.contains(point.current)) {
      ++preemptions_;
    }
    return t;
  }
  int choose(const ChoicePoint& point) override {
    return point.step < trace_.size() ? trace_[point.step].alternative : -1;
  }
  bool exhaustive() const override { return false; }
  int preemptions() const { return preemptions_; }

 private:
  const std::vector<TraceStep>& trace_;
  size_t next_ = 0;
  int preemptions_ = 0;
};

// Preemptions of a found failure's schedule, or -1 if replaying it does not
// give the same failure (a model that is not deterministic).
int count_preemptions(ModelRunner& model, Execution& execution, const FoundFailure& found) {
  PreemptionCounter counter(found.trace);
  Outcome outcome = execution.run(model, counter);
  if (outcome != Outcome::kFailed || !execution.failure()->same_as(found.failure)) return -1;
  return counter.preemptions();
}

// Replaces a found failure by its shrunk execution, keeping the original's
// schedule and lengths. Nothing changes if the failure does not reproduce.
void shrink_failure(const ModelSpec& spec, const Params& params, ModelRunner& model,
                    const ExecutionLimits& limits, FoundFailure& found) {
  if (found.preemptions < 0) return;
  ShrinkResult shrunk = shrink(model, found.trace, found.failure, limits);
  if (!shrunk.reproduced) return;
  found.shrunk = true;
  found.original_schedule = found.schedule.to_string();
  found.original_steps = shrunk.original_steps;
  found.original_preemptions = shrunk.original_preemptions;
  found.failure = shrunk.failure;
  found.schedule = schedule_of(spec, params, shrunk.trace);
  found.trace = std::move(shrunk.trace);
  found.shrunk_steps = found.trace.size();
  found.shrunk_preemptions = shrunk.preemptions;
}

}  // namespace

FoundFailure found_failure(const ModelSpec& spec, const Params& params,
                           const Execution& execution) {
  FoundFailure found;
  found.failure = *execution.failure();
  found.schedule = schedule_of(spec, params, execution.trace());
  found.trace = execution.trace();
  return found;
}

Schedule schedule_of(const ModelSpec& spec, const Params& params,
                     const std::vector<TraceStep>& trace) {
  Schedule s;
  s.model = spec.name;
  s.params = params.keyed();
  s.choices.reserve(trace.size());
  for (const TraceStep& step : trace) {
    s.choices.push_back(step.thread);
    if (step.alternative != 0) {
      s.alternatives.resize(s.choices.size(), 0);
      s.alternatives.back() = step.alternative;
    }
  }
  return s;
}

CheckResult explore(const ModelSpec& spec, const Params& params, ModelRunner& model,
                    Strategy& strategy, const CheckOptions& options) {
  CheckResult result;
  result.model = spec.name;
  result.params = params;
  result.strategy = std::string(strategy.name());
  result.shard_index = options.shard_index;
  result.shard_count = options.shard_count;
  result.error = spec_problem(spec);
  if (!result.error.empty()) return result;

  auto start = std::chrono::steady_clock::now();
  Execution execution(options.limits);
  bool stopped_early = false;
  // The budget: options', or a default one for a strategy that never ends.
  uint64_t max_executions = options.max_executions;
  if (max_executions == 0 && !(options.max_seconds > 0) && strategy.endless()) {
    max_executions = CheckOptions::kDefaultRandomExecutions;
  }
  Progress progress(options, start);
  while (strategy.begin_execution()) {
    progress.update(result.executions, result.pruned_executions, strategy);
    if (max_executions != 0 && result.executions >= max_executions) {
      result.budget = options.max_executions != 0
                          ? fmt::format("--executions {}", max_executions)
                          : fmt::format("{} executions, the default", max_executions);
      stopped_early = true;
      if (!strategy.endless()) {
        result.limit = result.budget;
        result.raise_limit = "raise --executions, or drop it";
      }
      break;
    }
    if (options.max_seconds > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
            options.max_seconds) {
      result.budget = fmt::format("--seconds {}", options.max_seconds);
      stopped_early = true;
      // (A budget that allowed no execution at all is always a limit.)
      if (!strategy.endless() || options.max_executions != 0 || result.executions == 0) {
        result.limit = result.budget;
        result.raise_limit = strategy.endless() ? "raise --seconds, or drop it to run every one "
                                                  "of --executions"
                                                : "raise --seconds, or drop it";
      }
      break;
    }
    Outcome outcome = execution.run(model, strategy);
    result.total_steps += execution.steps();
    if (strategy.skipped()) {
      ++result.other_shards;  // another shard's execution: not counted here
      continue;
    }
    uint64_t& counted = strategy.probing() ? result.probe_executions : result.executions;
    ++counted;
    if (outcome == Outcome::kStopped) {
      --counted;
      if (!execution.error().empty()) {
        // The model exceeds a limit of the scheduler: a usage error.
        result.error = execution.error();
        stopped_early = true;
        break;
      }
      if (strategy.error().empty()) {
        ++result.pruned_executions;
        continue;
      }
      result.error = strategy.error();
      stopped_early = true;
      break;
    }
    if (outcome == Outcome::kFailed) {
      ++result.failing_executions;
      if (!result.first_failure) {
        FoundFailure& found = result.first_failure.emplace(found_failure(spec, params, execution));
        found.execution = result.executions + result.probe_executions;
        found.by_probe = strategy.probing();
      }
      if (!options.all) {
        stopped_early = true;
        break;
      }
    }
  }
  if (result.error.empty()) result.error = strategy.error();
  result.exhaustive = !stopped_early && result.error.empty() && strategy.exhaustive();
  result.coverage = strategy.coverage(result.executions);
  result.rerun = strategy.rerun();
  result.seed = strategy.seed();
  result.preemption_bound = strategy.preemption_bound();
  result.bounded_plans = strategy.bounded_plans();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Clears the progress line (before shrinking, which can take a moment), or
  // writes the summary of the exploration.
  progress.finish(result);
  if (result.first_failure) settle_failure(spec, params, model, options, *result.first_failure);
  return result;
}

void settle_failure(const ModelSpec& spec, const Params& params, ModelRunner& model,
                    const CheckOptions& options, FoundFailure& found) {
  if (found.failure.kind == FailureKind::kStuck) return;
  Execution execution(options.limits);
  found.preemptions = count_preemptions(model, execution, found);
  if (options.shrink) shrink_failure(spec, params, model, options.limits, found);
}

Expected<std::unique_ptr<Strategy>> make_strategy(const std::string& name) {
  CheckOptions options;
  options.strategy = name;
  return make_strategy(options);
}

Expected<std::unique_ptr<Strategy>> make_strategy(const CheckOptions& options) {
  const std::string& name = options.strategy;
  const int k = options.preemptions;
  if (k < -1) return Error{fmt::format("preemption bound {} must not be negative", k)};
  const bool bounded = k >= 0;
  if (options.shard_count < 1 || options.shard_index < 0 ||
      options.shard_index >= options.shard_count) {
    return Error{fmt::format("shard {}/{} does not exist: shards are 0/K to K-1/K",
                             options.shard_index, options.shard_count)};
  }
  if (options.shard_count > 1) {
    // Sharded: a plain tree search, no probes (each shard would repeat them).
    if (name != "dfs" && name != "bounded" && name != "dpor") {
      return Error{
          fmt::format("--shard works with --strategy dpor, dfs or bounded, not {}", name)};
    }
    if (name == "dpor" && !bounded) {
      auto dpor = std::make_unique<DporStrategy>();
      dpor->set_plan_limit(options.dpor_plan_limit);
      dpor->set_shard(options.shard_index, options.shard_count);
      return std::unique_ptr<Strategy>(std::move(dpor));
    }
    std::unique_ptr<BoundedStrategy> tree;
    if (name == "dfs" && !bounded) {
      tree.reset(new DfsStrategy());
    } else {
      tree.reset(new BoundedStrategy(bounded ? k : CheckOptions::kDefaultPreemptions));
    }
    tree->set_shard(options.shard_index, options.shard_count);
    return std::unique_ptr<Strategy>(std::move(tree));
  }
  if (name == "dfs" || name == "dpor" || name == "bounded") {
    // A bound given to DFS or DPOR selects bounded DFS.
    if (bounded) return std::unique_ptr<Strategy>(new BoundedStrategy(k));
    std::unique_ptr<Strategy> exhaustive;
    if (name == "dfs") exhaustive.reset(new DfsStrategy());
    if (name == "dpor") {
      auto dpor = std::make_unique<DporStrategy>();
      dpor->set_plan_limit(options.dpor_plan_limit);
      exhaustive = std::move(dpor);
    }
    if (exhaustive && options.probes && !options.all) {
      return std::unique_ptr<Strategy>(new PortfolioStrategy(std::move(exhaustive), options.seed));
    }
    if (exhaustive) return exhaustive;
    return std::unique_ptr<Strategy>(new BoundedStrategy(CheckOptions::kDefaultPreemptions));
  }
  if (name == "iterative") {
    if (options.all) {
      return Error{
          "--all does not combine with --strategy iterative (its rounds rerun schedules); use "
          "--strategy bounded --preemptions K --all"};
    }
    return std::unique_ptr<Strategy>(new IterativeStrategy(k));
  }
  if (name == "random" || name == "pct") {
    if (bounded) {
      return Error{fmt::format("--preemptions applies to dfs, dpor, bounded and iterative, not {}",
                               name)};
    }
    if (name == "random") return std::unique_ptr<Strategy>(new RandomStrategy(options.seed));
    if (options.pct_depth < 1) {
      return Error{fmt::format("PCT depth {} must be at least 1", options.pct_depth)};
    }
    return std::unique_ptr<Strategy>(new PctStrategy(options.seed, options.pct_depth));
  }
  return Error{fmt::format("unknown strategy '{}' (dpor, dfs, bounded, iterative, random, pct)",
                           name)};
}

CheckResult check(const ModelSpec& spec, const Params& params, ModelRunner& model,
                  const CheckOptions& options) {
  auto strategy = make_strategy(options);
  if (!strategy) {
    CheckResult result;
    result.model = spec.name;
    result.params = params;
    result.strategy = options.strategy;
    result.error = strategy.error();
    return result;
  }
  return explore(spec, params, model, **strategy, options);
}

CheckResult check(const ModelSpec& spec, const Params& params, const RunnerFactory& make_runner,
                  const CheckOptions& options) {
  // The instrumented runtime keeps its state per process: one instance at a time.
  if (options.jobs != 1 && runs_in_parallel(options) && !spec.instrumented) {
    return explore_parallel(spec, params, make_runner, options);
  }
  auto model = make_runner();
  return check(spec, params, *model, options);
}

CheckResult check_dfs(const ModelSpec& spec, const Params& params, ModelRunner& model,
                      const CheckOptions& options) {
  DfsStrategy dfs;
  return explore(spec, params, model, dfs, options);
}

Expected<std::pair<Schedule, Params>> resolve_schedule(const ModelSpec& spec,
                                                       std::string_view schedule_text) {
  auto schedule = Schedule::parse(schedule_text);
  if (!schedule) return Error{schedule.error()};
  if (schedule->model != spec.name) {
    return Error{fmt::format("schedule is for model {}, not {}", schedule->model, spec.name)};
  }
  auto params = Params::from_keys(spec.name, spec.params, schedule->params);
  if (!params) return Error{params.error()};
  return std::pair<Schedule, Params>(std::move(*schedule), std::move(*params));
}

Expected<ReplayResult> replay(const ModelSpec& spec, const Params& params, ModelRunner& model,
                              const Schedule& schedule, const ExecutionLimits& limits) {
  if (schedule.model != spec.name) {
    return Error{fmt::format("schedule is for model {}, not {}", schedule.model, spec.name)};
  }
  if (schedule.params != params.keyed()) {
    Schedule expected;
    expected.model = spec.name;
    expected.params = params.keyed();
    return Error{fmt::format("schedule parameters do not match: it has '{}', the check has '{}'",
                             schedule.to_string(), expected.to_string())};
  }
  ReplayStrategy strategy(schedule.choices, schedule.alternatives);
  Execution execution(limits);
  strategy.begin_execution();
  Outcome outcome = execution.run(model, strategy);
  if (!execution.error().empty()) return Error{execution.error()};
  if (!strategy.error().empty()) {
    // A schedule found with race detection off runs past the first race.
    if (execution.failure() && execution.failure()->kind == FailureKind::kDataRace) {
      return Error{fmt::format("{}: the execution stopped at a data race at step {} "
                               "(--no-race-detection replays a schedule found without it)",
                               strategy.error(), execution.failure()->step)};
    }
    return Error{strategy.error()};
  }
  if (outcome == Outcome::kStopped) return Error{"schedule does not fit the execution"};
  ReplayResult result;
  result.schedule = schedule_of(spec, params, execution.trace());
  result.outcome = outcome;
  result.failure = execution.failure();
  result.trace = execution.trace();
  return result;
}

}  // namespace interleave
