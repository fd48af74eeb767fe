// The native engine: the same model source on real std::threads, many
// trials, to show how rarely a bug appears in real runs and that correct
// variants hold up.
//
// Each trial builds a fresh model, releases all its threads at once (they
// wait at a start line, spinning, so they overlap), waits for them, and
// checks the invariant. Natively, mutex, atomic and condition_variable are
// the std ones; shared<T> is a relaxed atomic access (lost updates happen,
// without undefined behaviour) except in a ThreadSanitizer build, where it is
// a plain access so TSan reports the race (see scheduler/api/shared.h).
//
// A trial that does not finish within the trial timeout (a deadlock, or a
// thread spinning forever) ends the run: it is reported as hung, and its
// threads, which cannot be stopped, are left behind with their model (never
// freed). A process that saw a hang should exit soon after reporting it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "scheduler/runtime/execution.h"
#include "scheduler/api/model.h"

namespace interleave {

struct NativeOptions {
  // Trials to run; 0 means no limit (then `seconds` must bound the run).
  int64_t trials = 1000;
  // Wall-clock budget in seconds; 0 means none.
  double seconds = 0;
  // A trial still running after this many seconds is reported as hung.
  double trial_timeout_seconds = 2;
};

struct NativeResult {
  std::string model;
  Params params;
  // Trials run to completion, and how many of them broke the model.
  int64_t trials = 0;
  int64_t failing_trials = 0;
  // The first failing trial (1-based; 0 when none failed) and what broke.
  int64_t first_failing_trial = 0;
  std::string first_failure;
  // Seconds from the start of the run to the end of the first failing trial.
  double first_failure_seconds = 0;
  // Wall time of the whole run.
  double seconds = 0;
  // Set when a trial never finished: what is known of it.
  std::string hang;
  // Set when --seconds stopped the run before the --trials asked for: the
  // limit ("--seconds 1") and how to raise it. Not set when the seconds were
  // the only budget.
  std::string limit;
  std::string raise_limit;

  bool found_bug() const { return failing_trials > 0 || !hang.empty(); }
};

// Builds a fresh model runner for one native run.
using RunnerFactory = std::function<std::unique_ptr<ModelRunner>()>;

NativeResult run_native(const ModelSpec& spec, const Params& params, const RunnerFactory& make,
                        const NativeOptions& options);

template <Model M>
NativeResult run_native_model(const Params& params, const NativeOptions& options = {}) {
  return run_native(
      M::spec(), params, [&] { return std::unique_ptr<ModelRunner>(new ModelAdapter<M>(params)); },
      options);
}

// The header line, then the verdict: "FAIL 412 of 1000 trials broke the model
// ...", "PASS 1000 trials, none broke the model (0.80 s)", or "NO BUG FOUND in
// 312 trials (1.00 s), but --seconds 1 stopped the run before ..." (limit).
std::string format_native(const NativeResult& result);

}  // namespace interleave
