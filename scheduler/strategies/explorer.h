// The explorer: runs a model under a strategy, execution after execution,
// until the strategy has covered every schedule or a failure is found, and
// replays one schedule.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/runtime/execution.h"
#include "scheduler/api/expected.h"
#include "scheduler/api/model.h"
#include "scheduler/strategies/schedule.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

struct CheckOptions {
  // How to explore: "dpor" (default: one execution per trace), "dfs" (every
  // schedule). See make_strategy().
  std::string strategy = "dpor";
  // Keep exploring after the first failure, counting failing executions.
  bool all = false;
  // Bounds of each execution.
  ExecutionLimits limits;
  // The command that replays a schedule string, as reports print it. Models
  // outside the built-in registry name their own binary here.
  std::string replay_command = "bazel run //:interleave -- replay";

  // Exploration strategies beyond DFS and DPOR (see make_strategy()).
  // Preemption bound K for "bounded" and the largest K "iterative" tries;
  // -1: none ("bounded" then uses kDefaultPreemptions). Given with "dfs" or
  // "dpor", it selects "bounded".
  int preemptions = -1;
  static constexpr int kDefaultPreemptions = 2;
  // Seed of "random" and "pct": the same seed explores the same executions.
  uint64_t seed = 1;
  // PCT's bug depth d: d-1 priority change points per execution.
  int pct_depth = 3;

  // Probes (portfolio.h): "dpor" and "dfs" mix randomised executions into
  // a long exhaustive search, so that a shallow bug among many threads is
  // found in hundreds of executions rather than after every order of the
  // other threads. Counts and verdicts of the exhaustive search are
  // unchanged; off with `all` (failing counts are the search's alone).
  bool probes = true;

  // Sharding (--shard I/K): explore part `shard_index` (0-based) of
  // `shard_count` disjoint parts of the search (BoundedStrategy::set_shard,
  // DporStrategy::set_shard); the parts' execution counts add up to the
  // unsharded count. "dpor", "dfs" and "bounded", without probes; a DPOR
  // shard runs on one core.
  int shard_index = 0;
  int shard_count = 1;

  // Workers exploring at once, each on its own core (parallel.h): "dfs",
  // "bounded" and "iterative" give the same counts, verdict and reported
  // failure whatever the number; "dpor" the same executions, verdict and
  // failure (its workers may cut short executions one core does not:
  // parallel_dpor.h); "random" and "pct" split their budget (reproducible
  // from the seed and the number). Only check() with a RunnerFactory (each worker
  // needs its own model) runs more than one.
  int jobs = 1;

  // DPOR's memory bound, in planned steps of its wakeup trees (16 bytes
  // each; DporStrategy::set_plan_limit()): past it, races plan their first
  // step alone. The search stays exhaustive, with more executions cut short.
  // 0: no bound.
  uint64_t dpor_plan_limit = kDefaultDporPlanLimit;
  static constexpr uint64_t kDefaultDporPlanLimit = uint64_t{1} << 20;

  // Budget, honoured by explore() for every strategy: stop after this many
  // executions (of the strategy's own; probes are not counted) / seconds
  // (0: no limit). "random" and "pct" never finish on
  // their own; without a budget they run kDefaultRandomExecutions.
  uint64_t max_executions = 0;
  double max_seconds = 0;
  static constexpr uint64_t kDefaultRandomExecutions = 1000;

  // Shrink the first failure (see shrink.h): report a schedule that fails
  // the same way with the fewest preemptions, then steps, that shrinking finds.
  bool shrink = true;

  // Whether explore() writes about the run on stderr (progress.h): a
  // progress line on a terminal, else one summary line at the end of a long
  // run. false: nothing on stderr.
  bool progress = true;
  // When stderr is not a terminal, the shortest run (exploration time, in
  // seconds) that ends with a summary line; 0: every run.
  double summary_after_seconds = 1.0;

  // Text reports print every step of a failing trace; false folds the runs
  // of steps that do not matter (see format_failure_trace in report.h).
  bool full_trace = false;
};

// A failing execution, with what it takes to reproduce it.
struct FoundFailure {
  Failure failure;
  // Replays the failing execution exactly.
  Schedule schedule;
  // What the failing execution did, step by step.
  std::vector<TraceStep> trace;
  // Which execution it was (1 = the first explored, probes included).
  uint64_t execution = 0;
  // Whether a probe found it (a randomised execution beside the exhaustive
  // search; portfolio.h), not the strategy's own search.
  bool by_probe = false;
  // Preemptions in the schedule: steps by another thread while the thread
  // of the previous step could have gone on. Counted by replaying the
  // schedule; -1 if the replay did not reproduce the failure.
  int preemptions = -1;

  // Set when shrinking (CheckOptions::shrink) ran: the schedule the strategy
  // found, with its steps and preemptions, and those of the shrunk schedule
  // reported above (failure, schedule and trace are the shrunk execution's;
  // `preemptions` stays the count of the schedule the strategy found).
  bool shrunk = false;
  std::string original_schedule;
  size_t original_steps = 0;
  int original_preemptions = -1;
  size_t shrunk_steps = 0;
  int shrunk_preemptions = -1;
};

struct CheckResult {
  std::string model;
  Params params;
  // Name of the strategy that explored.
  std::string strategy;
  // Executions run to the end (or to a failure), and how many failed.
  uint64_t executions = 0;
  uint64_t failing_executions = 0;
  // Executions cut short because they could only repeat explored ones: the
  // strategy's (DPOR's sleep-set-blocked executions), and executions where a
  // spurious wakeup led back to the same wait unchanged
  // (Execution::woke_spuriously()); not in `executions`.
  uint64_t pruned_executions = 0;
  // In a sharded search (CheckOptions::shard_count > 1): the shard, and the
  // executions cut or skipped because they belong to another shard's part
  // (not in `executions`; each cut one stands for a subtree of that part).
  int shard_index = 0;
  int shard_count = 1;
  uint64_t other_shards = 0;
  // Workers that explored (CheckOptions::jobs, 1 on one core), and the
  // subtrees they explored: 1 plus the times a busy worker handed part of
  // its work to an idle one (parallel.h), over every round.
  int jobs = 1;
  uint64_t subtrees = 1;
  // Randomised executions run beside the exhaustive search to find shallow
  // bugs early (CheckOptions::probes); not in `executions`.
  uint64_t probe_executions = 0;
  // Steps (visible operations) over all executions, probes included.
  uint64_t total_steps = 0;
  // Wall time of the exploration.
  double seconds = 0;
  // True when every schedule of the model was covered.
  bool exhaustive = false;
  // The first failure found, if any.
  std::optional<FoundFailure> first_failure;
  // Set when the strategy had to stop (e.g. the model is not deterministic).
  std::string error;

  // What a strategy that does not cover every schedule did cover, in words
  // that follow "no bug found": "in 4 executions within 1 preemption",
  // "in 1000 random executions (seed 1)". For a strategy that covered every
  // schedule in a way "explored all N executions" would misstate, the whole
  // statement ("all schedules: none needs more than 2 preemptions ..."). Empty
  // for DFS and DPOR.
  std::string coverage;
  // The budget that stopped the exploration, in words ("--executions 1000");
  // empty when no budget stopped it.
  std::string budget;
  // Set when a limit or budget stopped the run before it covered what was
  // asked, so that finding no bug is not a verdict on all of it (verdict.h:
  // "incomplete", exit 3, unless a bug was found): the limit as the option
  // that sets it ("--seconds 1"), and how to raise it ("raise --seconds, or
  // drop it"). A randomised strategy's own budget (its executions, or
  // --seconds alone) is what it was asked to cover: not a limit.
  std::string limit;
  std::string raise_limit;
  // Randomised strategies: the seed, and the options that rerun the same
  // executions ("--strategy pct --depth 3 --seed 42").
  std::optional<uint64_t> seed;
  std::string rerun;
  // Preemption-bounded strategies: the bound of the last (iterative: the
  // current) round; -1 for the others.
  int preemption_bound = -1;
  // DPOR: races planned past its memory bound (CheckOptions::dpor_plan_limit),
  // their first step alone; 0 when the bound was not reached. Not a limit on
  // what was covered: more executions are cut short.
  uint64_t bounded_plans = 0;

  bool found_bug() const { return first_failure.has_value(); }
};

// Explores `model` (built from `spec` and `params`) with `strategy`.
CheckResult explore(const ModelSpec& spec, const Params& params, ModelRunner& model,
                    Strategy& strategy, const CheckOptions& options);

// For explorers, once a run has found `found`: counts its preemptions by
// replaying it and, with options.shrink, shrinks it (shrink.h). A stuck
// execution costs the watchdog's limit each time it runs: it is left as
// found.
void settle_failure(const ModelSpec& spec, const Params& params, ModelRunner& model,
                    const CheckOptions& options, FoundFailure& found);

// The strategy called `name` ("dfs", "dpor", "bounded", "iterative",
// "random", "pct") with default settings, or an error listing them.
Expected<std::unique_ptr<Strategy>> make_strategy(const std::string& name);

// The strategy options.strategy with the settings in `options` (bound, seed,
// depth). Errors: an unknown strategy, a negative bound (other than -1),
// a bound given to random or pct, a PCT depth below 1, `all` with iterative.
Expected<std::unique_ptr<Strategy>> make_strategy(const CheckOptions& options);

// Explores a model with options.strategy; an unknown strategy is reported in
// CheckResult::error. check_model<M> does it for a model type. On one core:
// options.jobs is not looked at.
CheckResult check(const ModelSpec& spec, const Params& params, ModelRunner& model,
                  const CheckOptions& options);

// Makes a fresh model runner: one per worker of a parallel check.
using RunnerFactory = std::function<std::unique_ptr<ModelRunner>()>;

// check() with options.jobs workers when the strategy explores in parallel
// (parallel.h), else on one core.
CheckResult check(const ModelSpec& spec, const Params& params, const RunnerFactory& make_runner,
                  const CheckOptions& options);

// Exhaustive DFS of a model, whatever options.strategy says.
CheckResult check_dfs(const ModelSpec& spec, const Params& params, ModelRunner& model,
                      const CheckOptions& options);

template <Model M>
CheckResult check_model(const Params& params, const CheckOptions& options = {}) {
  return check(M::spec(), params,
               RunnerFactory([&params] { return std::make_unique<ModelAdapter<M>>(params); }),
               options);
}

struct ReplayResult {
  Schedule schedule;
  // How the replayed execution ended: kPassed or kFailed.
  Outcome outcome = Outcome::kPassed;
  std::optional<Failure> failure;
  std::vector<TraceStep> trace;
};

// Replays `schedule` (already resolved to `spec` and `params`). An error
// says why the schedule does not fit the execution.
Expected<ReplayResult> replay(const ModelSpec& spec, const Params& params, ModelRunner& model,
                              const Schedule& schedule, const ExecutionLimits& limits = {});

// Parses a schedule string for the model `spec` and validates its
// parameters. Errors: malformed string, another model, bad parameters.
Expected<std::pair<Schedule, Params>> resolve_schedule(const ModelSpec& spec,
                                                       std::string_view schedule_text);

// Parses and replays a schedule string of model M.
template <Model M>
Expected<ReplayResult> replay_model(std::string_view schedule_text,
                                    const ExecutionLimits& limits = {}) {
  ModelSpec spec = M::spec();
  auto resolved = resolve_schedule(spec, schedule_text);
  if (!resolved) return Error{resolved.error()};
  ModelAdapter<M> model(resolved->second);
  return replay(spec, resolved->second, model, resolved->first, limits);
}

// The failure `execution` just ended with, as an explorer found it: the
// failure, the schedule that replays it and the trace (the rest unset).
FoundFailure found_failure(const ModelSpec& spec, const Params& params, const Execution& execution);

// The schedule of an execution with this trace.
Schedule schedule_of(const ModelSpec& spec, const Params& params,
                     const std::vector<TraceStep>& trace);

}  // namespace interleave
