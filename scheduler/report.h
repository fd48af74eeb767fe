// Human-readable reports: verdicts, traces and replay commands.
#pragma once

#include <string>
#include <vector>

#include "scheduler/explorer.h"

namespace interleave {

// One line per step: step, thread, operation, object, value, source location.
std::string format_trace(const std::vector<TraceStep>& trace);

// The trace, then (for a deadlock) each blocked thread's waiting operation,
// marked "--" in the step column.
std::string format_failure_trace(const std::vector<TraceStep>& trace, const Failure& failure);

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

// The report of a replay: the trace and how the execution ended.
std::string format_replay(const ReplayResult& result, const CheckOptions& options);

}  // namespace interleave
