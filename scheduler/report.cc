#include "scheduler/report.h"

#include <fmt/format.h>

namespace interleave {

namespace {

std::string format_duration(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.1f} µs", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string format_location(const std::source_location& loc) {
  if (loc.line() == 0) return "";
  std::string_view file = loc.file_name();
  if (file.starts_with("./")) file.remove_prefix(2);
  return fmt::format("{}:{}", file, loc.line());
}

std::string format_value(const TraceStep& step) {
  if (step.has_read && step.has_written) return fmt::format("{} -> {}", step.read, step.written);
  if (step.has_read) return fmt::format("{}", step.read);
  if (step.has_written) return fmt::format("-> {}", step.written);
  return "";
}

std::string format_value_of(const TraceStep& step) {
  switch (step.op.kind) {
    case OpKind::kSpawn: return "";  // the new thread is shown as the object
    case OpKind::kNotify:
      return step.has_written ? fmt::format("wakes T{}", step.written) : "nobody waits";
    case OpKind::kNotifyAll:
      return step.written == 0 ? "nobody waits" : fmt::format("wakes {}", step.written);
    case OpKind::kTryLock: return step.read != 0 ? "acquired" : "busy";
    default: return format_value(step);
  }
}

std::string format_object(const TraceStep& step) {
  if (step.op.kind == OpKind::kSpawn && step.has_written) return fmt::format("T{}", step.written);
  return step.op.name;
}

std::string format_step(const std::string& step, const TraceStep& s) {
  std::string value = format_value_of(s);
  return fmt::format("  {:>4}  T{:<5} {:<10} {:<16} {:<12} {}\n", step, s.thread,
                     op_name(s.op.kind), format_object(s), value, format_location(s.op.location));
}

}  // namespace

std::string format_trace(const std::vector<TraceStep>& trace) {
  std::string out = fmt::format("  {:>4}  {:<6} {:<10} {:<16} {:<12} {}\n", "step", "thread",
                                "operation", "object", "value", "source");
  for (size_t i = 0; i < trace.size(); ++i) out += format_step(std::to_string(i + 1), trace[i]);
  return out;
}

std::string format_failure_trace(const std::vector<TraceStep>& trace, const Failure& failure) {
  std::string out = format_trace(trace);
  // A deadlock's blocked threads, at the operation each waits to perform.
  for (const TraceStep& s : failure.blocked) out += format_step("--", s) ;
  return out;
}

std::string replay_command(const Schedule& schedule, const CheckOptions& options) {
  std::string cmd = fmt::format("{} '{}'", options.replay_command, schedule.to_string());
  if (options.limits.max_steps != ExecutionLimits{}.max_steps) {
    cmd += fmt::format(" --max-steps {}", options.limits.max_steps);
  }
  return cmd;
}

std::string describe_failure(const Failure& f) {
  std::string where;
  if (f.thread != kNoThread) where = fmt::format("T{}", f.thread);
  std::string loc = format_location(f.location);
  if (!loc.empty()) where += where.empty() ? loc : ", " + loc;
  if (where.empty()) return f.message;
  return fmt::format("{}   ({})", f.message, where);
}

std::string format_check(const CheckResult& r, const CheckOptions& options) {
  std::string out = fmt::format("{}  {}  strategy={} (sequentially consistent interleavings)\n",
                                r.model, r.params.describe(), r.strategy);
  std::string counts = fmt::format("{} executions, {}{} steps, {}", r.executions,
                                   r.pruned_executions == 0
                                       ? ""
                                       : fmt::format("{} sleep-set-blocked, ", r.pruned_executions),
                                   r.total_steps, format_duration(r.seconds));
  if (!r.error.empty()) {
    out += fmt::format("ERROR {}  (after {})\n", r.error, counts);
  }
  if (r.first_failure) {
    const FoundFailure& f = *r.first_failure;
    out += fmt::format("FAIL {}\n", describe_failure(f.failure));
    if (r.failing_executions > 1 || r.exhaustive) {
      out += fmt::format("  {} of {} executions fail{}; first failure in execution {} ({})\n",
                         r.failing_executions, r.executions,
                         r.exhaustive ? " (all schedules explored)" : "", f.execution, counts);
    } else {
      out += fmt::format("  found in execution {} ({})\n", f.execution, counts);
    }
    out += format_failure_trace(f.trace, f.failure);
    out += fmt::format("replay: {}\n", replay_command(f.schedule, options));
  } else if (r.error.empty()) {
    if (r.exhaustive) {
      std::string pruned =
          r.pruned_executions == 0
              ? ""
              : fmt::format(" and {} sleep-set-blocked", r.pruned_executions);
      out += fmt::format("PASS no bug found: explored all {} executions{} ({} steps, {})\n",
                         r.executions, pruned, r.total_steps, format_duration(r.seconds));
    } else {
      out += fmt::format("PASS no bug found in {} executions; not every schedule was covered\n",
                         r.executions);
    }
  }
  return out;
}

std::string format_replay(const ReplayResult& r, const CheckOptions& options) {
  std::string out = fmt::format("replaying {}\n", r.schedule.to_string());
  out += r.failure ? format_failure_trace(r.trace, *r.failure) : format_trace(r.trace);
  if (r.failure) {
    out += fmt::format("FAIL {}\n", describe_failure(*r.failure));
  } else {
    out += fmt::format("PASS the execution completed and the invariant held ({} steps)\n",
                       r.trace.size());
  }
  out += fmt::format("replay: {}\n", replay_command(r.schedule, options));
  return out;
}

}  // namespace interleave
