// The Relacy engine: a registry's models, from the same source, checked by
// Relacy (Dmitry Vyukov's Relacy Race Detector) instead of the scheduler.
// Relacy is an independent second checker, and it has the C++ memory model:
// atomic memory orders are honoured (relaxed loads may read stale values),
// and an unsynchronised pair of shared<T> accesses is reported as a DATA RACE.
//
// Relacy fixes a test's thread count at compile time, so the engine is
// compiled for 1..kMaxRelacyThreads threads and picks the instance matching
// the model's thread count; a model with more threads is an error.
//
// The models must be compiled a second time, against Relacy's types: the
// built-in ones are (//relacy_engine, builtin_relacy_models()); a user's are
// by the interleave_binary macro (rules/interleave.bzl), which defines
// interleave_relacy_models() for them. This header includes no Relacy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/api/expected.h"
#include "scheduler/api/params.h"

// What the interleave_binary macro defines for a user's models (prelude.h's
// INTERLEAVE_RELACY_MODELS).
namespace interleave {
class RelacyModels;
}
const interleave::RelacyModels& interleave_relacy_models();

namespace interleave {

// Relacy test suites are instantiated for 1..kMaxRelacyThreads threads.
inline constexpr int kMaxRelacyThreads = 6;

// Relacy's three schedulers.
enum class RelacySearch {
  kFull,    // every interleaving and every value a relaxed load may read
  kBound,   // the same, with at most `context_bound` preemptions per execution
  kRandom,  // `iterations` random executions
};

// "full", "bound", "random"; and back (false for an unknown name).
const char* search_name(RelacySearch search);
bool parse_search(std::string_view name, RelacySearch& search);

struct RelacyOptions {
  RelacySearch search = RelacySearch::kFull;
  // Random search: executions to run (0: kDefaultRandomIterations, or no
  // limit when `seconds` is given). Full and bound search: stop after this
  // many executions (0: none). Relacy's full and bound schedulers have no
  // budget of their own; the engine checks these before every execution.
  uint64_t iterations = 0;
  // Stop after this many seconds (0: none, except that a full or bound search
  // given neither `iterations` nor `seconds` gets kDefaultSeconds, which it
  // reports as "--seconds 60 (the default)").
  double seconds = 0;
  static constexpr double kDefaultSeconds = 60;
  // Write a progress line on a terminal, or a summary line at the end of a
  // run of at least summary_after_seconds elsewhere (scheduler/reports/progress.h).
  bool progress = true;
  double summary_after_seconds = 1.0;
  // Bound search: preemptions allowed per execution.
  unsigned context_bound = 2;
  // Scheduling points per execution after which Relacy reports a LIVELOCK.
  unsigned max_depth = 100'000;

  static constexpr uint64_t kDefaultRandomIterations = 100'000;
};

struct RelacyResult {
  std::string model;
  Params params;
  // Model threads (the Relacy test suite's static thread count).
  int threads = 0;
  RelacySearch search = RelacySearch::kFull;
  unsigned context_bound = 0;
  // Executions Relacy ran; on a failure, the failing execution's number.
  uint64_t iterations = 0;
  // The budget that stopped the run ("--iterations 10", "--seconds 60, the
  // default"); empty when none did. A limit (below) when it stopped a full or
  // bound search, or a random search short of its --iterations.
  std::string budget;
  // Full search covered every execution, or bound search every execution
  // within the context bound (no budget stopped it, no bug stopped it).
  bool exhaustive = false;
  bool found_bug = false;
  // Set when a budget stopped the run before it covered what was asked
  // (full or bound search cut short): the budget as its option
  // ("--iterations 1000") and how to raise it. Exit status 3.
  std::string limit;
  std::string raise_limit;
  // Relacy's result kind: "SUCCESS", "USER ASSERT FAILED", "DATA RACE",
  // "DEADLOCK", "LIVELOCK", "RECURSION ON NON-RECURSIVE MUTEX", ...
  std::string kind;
  // For a failed check()/fail() in the model: its message and "file:line".
  std::string message;
  std::string location;
  // Relacy's own output: on a failure, its history of the failing execution.
  std::string report;
  // The report did not fit the capture buffer and was cut.
  bool report_truncated = false;
  double seconds = 0;
};

// The models of one registry, compiled for the Relacy engine.
class RelacyModels {
 public:
  virtual ~RelacyModels() = default;
  // The names of the models it has, in registration order.
  virtual std::vector<std::string> names() const = 0;
  // Checks `model` with validated `params` (see Registry::resolve) under
  // Relacy. Errors: an unknown model, more threads than kMaxRelacyThreads, a
  // model that starts threads. Runs are serialised (Relacy is not re-entrant).
  virtual Expected<RelacyResult> run(std::string_view model, const Params& params,
                                     const RelacyOptions& options) const = 0;
};

// The built-in models under Relacy (//relacy_engine).
const RelacyModels& builtin_relacy_models();

// builtin_relacy_models().run(model, params, options) and .names().
Expected<RelacyResult> run_relacy(std::string_view model, const Params& params,
                                  const RelacyOptions& options = {});
std::vector<std::string> relacy_model_names();

// Our one-line summary ("FAIL ..." or "PASS ..."), then Relacy's report.
std::string format_relacy(const RelacyResult& result);

// The summary line alone.
std::string relacy_summary(const RelacyResult& result);

}  // namespace interleave
