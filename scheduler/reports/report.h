// Human-readable reports: verdicts, traces and replay commands.
#pragma once

#include <string>
#include <vector>

#include "scheduler/reports/explain.h"
#include "scheduler/strategies/explorer.h"

namespace interleave {

// One line per step: step, thread, operation, object, value, source location.
std::string format_trace(const std::vector<TraceStep>& trace);

// The trace, then (for a deadlock) each blocked thread's waiting operation,
// marked "--" in the step column. Unless `full_trace`, runs of steps that do
// not matter are folded into one line each (see fold_ranges):
//   "   ...  T2     7 steps folded (6-12); --full-trace shows them"
std::string format_failure_trace(const std::vector<TraceStep>& trace, const Failure& failure,
                                 bool full_trace = false);

// A run of consecutive steps shown as one line: 0-based, inclusive.
struct FoldedRange {
  size_t first = 0;
  size_t last = 0;
};

// The runs of a failing trace that the text report folds, in trace order.
// When the explanation (explain.h) has key steps, a thread *does not matter*
// if it has no key step, is not the failing thread and is not blocked in a
// deadlock; a run is a maximal sequence of consecutive steps of such a
// thread that are neither key steps nor context switches (so the step where
// the thread takes over stays visible). A run is folded only if it is at
// least 4 steps long: one line replaces it, saving at least 3. Nothing is
// folded when the explanation has no key steps (nothing to focus on).
std::vector<FoldedRange> fold_ranges(const std::vector<TraceStep>& trace, const Failure& failure,
                                     const Explanation& explanation);

// How to run the program that replays schedules: options.replay_command
// without its final " replay" ("bazel run //:interleave --").
std::string program_command(const CheckOptions& options);

// "<options.replay_command> '<schedule>'", plus --max-steps when the schedule
// needs a bound other than the default.
std::string replay_command(const Schedule& schedule, const CheckOptions& options);

// "lost update: ... (T0, models/counter.h:30)".
std::string describe_failure(const Failure& failure);

// The full report of a check: header, verdict with counts and time, and for a
// failure its trace and replay command.
std::string format_check(const CheckResult& result, const CheckOptions& options);

// The same, for the model `spec`: a relaxed-only model (spec.relaxed_only)
// that passes is reported as "no bug under sequential consistency", with a
// pointer to the Relacy engine, which checks it under the C++ memory model.
std::string format_check(const CheckResult& result, const CheckOptions& options,
                         const ModelSpec& spec);

// The verdict line of a check whose verdict is pass (verdict.h), without a
// newline: "PASS no bug found: explored all 6 executions (24 steps, 3.1 µs)",
// or what a strategy that did not cover every schedule covered.
std::string pass_verdict(const CheckResult& result);

// The verdict line of a check whose verdict is incomplete (verdict.h): no
// bug found, but a limit or budget stopped it before it covered what was
// asked. Without a newline:
//   "NO BUG FOUND in 1,234 executions (5,678 steps, 1.00 s), but --seconds 1
//    stopped the run before it was exhaustive (raise --seconds, or drop it)"
std::string incomplete_verdict(const CheckResult& result);

// "3.1 µs", "12.0 ms", "1.25 s".
std::string format_duration(double seconds);

// The report of a replay: the trace and how the execution ended.
std::string format_replay(const ReplayResult& result, const CheckOptions& options);

}  // namespace interleave
