#include "scheduler/report.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "scheduler/explain.h"

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

// For the strategies beyond DFS and DPOR: the failure's preemptions (for
// iterative bounding, the fewest any failing schedule has) and, for a
// randomised strategy, the seed that reruns the same executions.
std::string found_with(const CheckResult& r) {
  const FoundFailure& f = *r.first_failure;
  std::string out;
  if (f.preemptions >= 0 && r.strategy == "iterative") {
    std::string word = fmt::format("{} preemption{}", f.preemptions, f.preemptions == 1 ? "" : "s");
    out += f.preemptions == 0
               ? fmt::format("  found with {}\n", word)
               : fmt::format("  found with {}, the fewest: no schedule with fewer fails\n", word);
  } else if (f.preemptions >= 0 && (r.preemption_bound >= 0 || r.seed)) {
    out += fmt::format("  found with {} preemption{}\n", f.preemptions,
                       f.preemptions == 1 ? "" : "s");
  }
  if (r.seed) out += fmt::format("  seed {} reproduces this run ({})\n", *r.seed, r.rerun);
  return out;
}

}  // namespace

namespace {

// The trace with the marks of `failure`'s explanation (see explain.h) in a
// column after the source: "->" a context switch, "*" a key access. A legend
// line follows when any step is marked.
std::string marked_trace(const std::vector<TraceStep>& trace, const Failure* failure) {
  Explanation e = explain(trace, failure);
  std::vector<std::string> lines;
  size_t width = 0;
  bool marked = false;
  for (size_t i = 0; i < trace.size(); ++i) {
    std::string line = format_step(std::to_string(i + 1), trace[i]);
    line.pop_back();  // the newline
    while (!line.empty() && line.back() == ' ') line.pop_back();
    width = std::max(width, line.size());
    lines.push_back(std::move(line));
    marked = marked || e.marks[i].context_switch || e.marks[i].key;
  }
  std::string out = fmt::format("  {:>4}  {:<6} {:<10} {:<16} {:<12} {}\n", "step", "thread",
                                "operation", "object", "value", "source");
  for (size_t i = 0; i < trace.size(); ++i) {
    std::string marks = fmt::format("{:<2} {}", e.marks[i].context_switch ? "->" : "",
                                    e.marks[i].key ? "*" : "");
    while (!marks.empty() && marks.back() == ' ') marks.pop_back();
    if (marks.empty()) {
      out += lines[i] + "\n";
    } else {
      out += fmt::format("{:<{}}  {}\n", lines[i], width, marks);
    }
  }
  // A deadlock's blocked threads, at the operation each waits to perform.
  if (failure != nullptr) {
    for (const TraceStep& s : failure->blocked) out += format_step("--", s);
  }
  if (marked) {
    out += e.key_steps.empty() ? "  marks: -> context switch\n"
                               : "  marks: -> context switch, * conflicting access behind the failure\n";
    if (!e.summary.empty()) out += fmt::format("  why: {}\n", e.summary);
  }
  return out;
}

}  // namespace

std::string format_trace(const std::vector<TraceStep>& trace) {
  return marked_trace(trace, nullptr);
}

std::string format_failure_trace(const std::vector<TraceStep>& trace, const Failure& failure) {
  return marked_trace(trace, &failure);
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
    out += found_with(r);
    if (f.shrunk && (f.shrunk_steps != f.original_steps ||
                     f.shrunk_preemptions != f.original_preemptions)) {
      out += fmt::format("  shrunk from {} steps, {} preemption{} to {} steps, {} preemption{} "
                         "(original: '{}')\n",
                         f.original_steps, f.original_preemptions,
                         f.original_preemptions == 1 ? "" : "s", f.shrunk_steps,
                         f.shrunk_preemptions, f.shrunk_preemptions == 1 ? "" : "s",
                         f.original_schedule);
    }
    out += format_failure_trace(f.trace, f.failure);
    out += fmt::format("replay: {}\n", replay_command(f.schedule, options));
  } else if (r.error.empty()) {
    if (r.exhaustive && !r.coverage.empty()) {
      // A strategy whose execution count is not the number of schedules
      // (iterative bounding reruns schedules in every round) says it itself.
      out += fmt::format("PASS no bug found: {} ({} steps, {})\n", r.coverage, r.total_steps,
                         format_duration(r.seconds));
    } else if (r.exhaustive) {
      std::string pruned =
          r.pruned_executions == 0
              ? ""
              : fmt::format(" and {} sleep-set-blocked", r.pruned_executions);
      out += fmt::format("PASS no bug found: explored all {} executions{} ({} steps, {})\n",
                         r.executions, pruned, r.total_steps, format_duration(r.seconds));
    } else {
      // What was covered: "in 4 executions within 1 preemption", "in 1000
      // random executions (seed 1)"; then the budget that stopped it, if one did.
      std::string covered =
          r.coverage.empty() ? fmt::format("in {} executions", r.executions) : r.coverage;
      std::string budget = r.budget.empty() ? "" : fmt::format(" within budget ({})", r.budget);
      out += fmt::format("PASS no bug found {}{}; not every schedule was covered\n", covered,
                         budget);
    }
  }
  return out;
}

std::string format_check(const CheckResult& r, const CheckOptions& options,
                         const ModelSpec& spec) {
  std::string out = format_check(r, options);
  if (!spec.relaxed_only || r.found_bug() || !r.error.empty()) return out;
  constexpr std::string_view kPass = "PASS no bug found";
  if (size_t at = out.find(kPass); at != std::string::npos) {
    out.replace(at, kPass.size(), "PASS no bug under sequential consistency");
  }
  out += fmt::format(
      "  {}'s bug needs relaxed memory (atomics with orders weaker than seq_cst), which this\n"
      "  scheduler does not explore; Relacy does: interleave relacy {}\n",
      spec.name, spec.name);
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
