// Parallel DPOR: one exhaustive DPOR search on several cores, with the
// executions the sequential search gives.
//
// Workers (one OS thread each, with its own model instance, Execution and
// DporStrategy) share the states at the top of the exploration tree
// (DporStrategy::SharedTree; dpor.h, "Parallel exploration", says how
// branches move between workers and why every trace is still explored
// once). Objects are named by their offset in the model instance, the same
// in every worker's.
//
// The executions of a passing run are the sequential run's: one per trace,
// and the same traces; some executions may end cut short where one core's
// do not (a plan found after the branch it belonged to was taken is left
// to that branch's worker: dpor.h says why nothing is lost). The run is
// done again on one core, from the start, when a step touched an object
// outside the model instance (its heap, a global: named by address, which
// differs between workers). Which execution
// stands for a trace depends on timing, so when a worker finds a failure
// the run also stops and one core's search runs again: the failure, its
// schedule string and "found in execution N" are exactly what one core
// reports (the time is the sum). The probes a default check mixes in (portfolio.h) run on the
// calling thread beside the workers, as many as one core runs for the same
// executions; a failing probe is likewise settled by one core's search.
// Budgets (--executions, --seconds) are shared by the workers; a run they
// stop is reported incomplete, with counts that depend on timing.
#pragma once

#include "scheduler/strategies/explorer.h"

namespace interleave {

// Explores options.strategy "dpor" (no preemption bound) with options.jobs
// workers (explore_parallel() calls it, on a checker thread); make_runner is called once for each, and again for a run on one
// core. Errors as check()'s (in CheckResult::error).
CheckResult explore_parallel_dpor(const ModelSpec& spec, const Params& params,
                                  const RunnerFactory& make_runner, const CheckOptions& options);

}  // namespace interleave
