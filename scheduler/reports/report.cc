#include "scheduler/reports/report.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "scheduler/reports/explain.h"
#include "scheduler/reports/progress.h"
#include "scheduler/reports/verdict.h"

namespace interleave {

std::string format_duration(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.1f} µs", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

namespace {

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
      if (!step.has_written) return "nobody waits";
      if (step.alternatives > 1) {
        return fmt::format("wakes T{} (any of {} waiting)", step.written, step.alternatives);
      }
      return fmt::format("wakes T{}", step.written);
    case OpKind::kWait:
      return step.alternatives > 1 && step.alternative == 1 ? "wakes spuriously" : "";
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

// Whether shrinking changed the found schedule's length or preemptions.
bool shrink_changed(const FoundFailure& f) {
  return f.shrunk &&
         (f.shrunk_steps != f.original_steps || f.shrunk_preemptions != f.original_preemptions);
}

// For the strategies beyond DFS and DPOR: the failure's preemptions (for
// iterative bounding, the fewest any failing schedule has; otherwise only
// when shrinking left them as found) and, for a randomised strategy, the
// seed that reruns the same executions.
std::string found_with(const CheckResult& r) {
  const FoundFailure& f = *r.first_failure;
  std::string out;
  if (f.preemptions >= 0 && r.strategy == "iterative") {
    std::string word = fmt::format("{} preemption{}", f.preemptions, f.preemptions == 1 ? "" : "s");
    out += f.preemptions == 0
               ? fmt::format("  found with {}\n", word)
               : fmt::format("  found with {}, the fewest: no schedule with fewer fails\n", word);
  } else if (f.preemptions >= 0 && (r.preemption_bound >= 0 || r.seed) && !shrink_changed(f)) {
    // (When shrinking changed the schedule, its line gives both counts.)
    out += fmt::format("  found with {} preemption{}\n", f.preemptions,
                       f.preemptions == 1 ? "" : "s");
  }
  if (r.seed) out += fmt::format("  seed {} reproduces this run ({})\n", *r.seed, r.rerun);
  return out;
}

}  // namespace

namespace {

// The trace with the marks of `failure`'s explanation (see explain.h) in a
// column after the source: "->" a context switch, "*" a key access, "~" a
// step of a spin loop (TraceStep::spin). A legend
// line follows when any step is marked. Unless `full_trace`, the runs of
// fold_ranges() are one line each.
std::string marked_trace(const std::vector<TraceStep>& trace, const Failure* failure,
                         bool full_trace) {
  Explanation e = explain(trace, failure);
  std::vector<FoldedRange> folds;
  if (failure != nullptr && !full_trace) folds = fold_ranges(trace, *failure, e);
  std::vector<std::string> lines;
  size_t width = 0;
  bool marked = false;
  bool spins = false;
  for (size_t i = 0; i < trace.size(); ++i) {
    std::string line = format_step(std::to_string(i + 1), trace[i]);
    line.pop_back();  // the newline
    while (!line.empty() && line.back() == ' ') line.pop_back();
    width = std::max(width, line.size());
    lines.push_back(std::move(line));
    marked = marked || e.marks[i].context_switch || e.marks[i].key;
    spins = spins || trace[i].spin;
  }
  std::string out = fmt::format("  {:>4}  {:<6} {:<10} {:<16} {:<12} {}\n", "step", "thread",
                                "operation", "object", "value", "source");
  auto fold = folds.begin();
  for (size_t i = 0; i < trace.size(); ++i) {
    if (fold != folds.end() && fold->first == i) {
      out += fmt::format("  {:>4}  T{:<5} {} steps folded ({}-{}); --full-trace shows them\n",
                         "...", trace[i].thread, fold->last - fold->first + 1, fold->first + 1,
                         fold->last + 1);
      i = fold->last;
      ++fold;
      continue;
    }
    std::string marks = fmt::format("{:<2} {}{}", e.marks[i].context_switch ? "->" : "",
                                    e.marks[i].key ? "*" : "", trace[i].spin ? "~" : "");
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
           : failure->kind == FailureKind::kDataRace
               ? "  marks: -> context switch, * the racing accesses\n"
               : "  marks: -> context switch, * conflicting access behind the failure\n";
    if (!e.summary.empty()) out += fmt::format("  why: {}\n", e.summary);
  }
  if (spins) {
    out += "  ~ a spin: a loop iteration repeated in the same state, reading only values nobody "
           "wrote since; the thread was then held until a write\n";
  }
  return out;
}

}  // namespace

std::vector<FoldedRange> fold_ranges(const std::vector<TraceStep>& trace, const Failure& failure,
                                     const Explanation& e) {
  std::vector<FoldedRange> out;
  if (e.key_steps.empty()) return out;
  // The threads that matter: a key step, the failing thread, a blocked one.
  std::vector<bool> matters;
  auto mark = [&](ThreadId t) {
    if (t < 0) return;  // kNoThread
    const size_t index = static_cast<size_t>(t);
    if (matters.size() <= index) matters.resize(index + 1, false);
    matters[index] = true;
  };
  for (size_t k : e.key_steps) mark(trace[k - 1].thread);
  mark(failure.thread);
  for (const TraceStep& b : failure.blocked) mark(b.thread);
  auto foldable = [&](size_t i) {
    const size_t t = static_cast<size_t>(trace[i].thread);
    return !(t < matters.size() && matters[t]) && !e.marks[i].key && !e.marks[i].context_switch;
  };
  constexpr size_t kShortestFold = 4;  // one line for four saves three
  for (size_t i = 0; i < trace.size();) {
    if (!foldable(i)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < trace.size() && foldable(j + 1)) ++j;
    if (j - i + 1 >= kShortestFold) out.push_back({i, j});
    i = j + 1;
  }
  return out;
}

std::string format_trace(const std::vector<TraceStep>& trace) {
  return marked_trace(trace, nullptr, true);
}

std::string format_failure_trace(const std::vector<TraceStep>& trace, const Failure& failure,
                                 bool full_trace) {
  return marked_trace(trace, &failure, full_trace);
}

std::string program_command(const CheckOptions& options) {
  constexpr std::string_view kReplay = " replay";
  std::string_view command = options.replay_command;
  if (command.ends_with(kReplay)) command.remove_suffix(kReplay.size());
  return std::string(command);
}

std::string replay_command(const Schedule& schedule, const CheckOptions& options) {
  std::string cmd = fmt::format("{} '{}'", options.replay_command, schedule.to_string());
  if (options.limits.max_steps != ExecutionLimits{}.max_steps) {
    cmd += fmt::format(" --max-steps {}", options.limits.max_steps);
  }
  // A crash can depend on the stack size; a stuck thread's report names the limit.
  if (options.limits.stack_size != ExecutionLimits{}.stack_size) {
    cmd += fmt::format(" --stack-size {}", options.limits.stack_size);
  }
  if (options.limits.watchdog_seconds != ExecutionLimits{}.watchdog_seconds) {
    cmd += fmt::format(" --watchdog {:g}", options.limits.watchdog_seconds);
  }
  if (!options.limits.detect_races) cmd += " --no-race-detection";
  if (!options.limits.detect_spins) cmd += " --no-spin-detection";
  if (!options.limits.spurious_wakeups) cmd += " --no-spurious-wakeups";
  return cmd;
}

std::string describe_failure(const Failure& f) {
  // A data race's message names both accesses' threads and places itself.
  if (f.kind == FailureKind::kDataRace) return f.message;
  std::string where;
  if (f.thread != kNoThread) where = fmt::format("T{}", f.thread);
  std::string loc = format_location(f.location);
  if (!loc.empty()) where += where.empty() ? loc : ", " + loc;
  if (where.empty()) return f.message;
  return fmt::format("{}   ({})", f.message, where);
}

namespace {

// "1527 random probes, " when probes ran beside the exhaustive search
// (portfolio.h), else "".
std::string probes_counted(const CheckResult& r) {
  if (r.probe_executions == 0) return "";
  return fmt::format("{} random probe{}, ", r.probe_executions,
                     r.probe_executions == 1 ? "" : "s");
}

}  // namespace

std::string format_check(const CheckResult& r, const CheckOptions& options) {
  std::string out = fmt::format("{}  {}  strategy={} (sequentially consistent interleavings)\n",
                                r.model, r.params.describe(), r.strategy);
  std::string counts = fmt::format("{} execution{}, {}{}{} steps, {}", r.executions,
                                   r.executions == 1 ? "" : "s",
                                   r.pruned_executions == 0
                                       ? ""
                                       : fmt::format("{} cut short as repeats, ", r.pruned_executions),
                                   probes_counted(r), r.total_steps, format_duration(r.seconds));
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
      out += fmt::format("  found in execution {}{} ({})\n", f.execution,
                         f.by_probe ? ", a random probe beside the exhaustive search" : "",
                         counts);
    }
    out += found_with(r);
    if (shrink_changed(f)) {
      out += fmt::format("  shrunk from {} steps, {} preemption{} to {} steps, {} preemption{} "
                         "(original: '{}')\n",
                         f.original_steps, f.original_preemptions,
                         f.original_preemptions == 1 ? "" : "s", f.shrunk_steps,
                         f.shrunk_preemptions, f.shrunk_preemptions == 1 ? "" : "s",
                         f.original_schedule);
    }
    out += format_failure_trace(f.trace, f.failure, options.full_trace);
    out += fmt::format("replay: {}\n", replay_command(f.schedule, options));
  } else if (verdict_of(r) == Verdict::kIncomplete) {
    out += incomplete_verdict(r) + "\n";
  } else if (r.error.empty()) {
    out += pass_verdict(r) + "\n";
  }
  if (r.bounded_plans != 0) {
    out += fmt::format(
        "  DPOR's wakeup trees reached their bound of {} planned steps: {} races planned by "
        "their first step alone (still exhaustive; more executions may be cut short as "
        "repeats; raise --dpor-plan-limit, 0 for none)\n",
        group_thousands(options.dpor_plan_limit), group_thousands(r.bounded_plans));
  }
  return out;
}

std::string incomplete_verdict(const CheckResult& r) {
  std::string covered = fmt::format(
      "in {} execution{}", group_thousands(r.executions), r.executions == 1 ? "" : "s");
  if (!r.coverage.empty() && r.coverage.starts_with("in ")) covered = r.coverage;
  // A randomised strategy is never exhaustive: it was asked for executions.
  const char* before = r.seed ? "before it ran every execution asked for"
                              : "before it was exhaustive";
  return fmt::format("NO BUG FOUND {} ({} steps, {}), but {} stopped the run {} ({})", covered,
                     group_thousands(r.total_steps), format_duration(r.seconds), r.limit, before,
                     r.raise_limit);
}

std::string pass_verdict(const CheckResult& r) {
  if (r.exhaustive && !r.coverage.empty()) {
    // A strategy whose execution count is not the number of schedules
    // (iterative bounding reruns schedules in every round) says it itself.
    return fmt::format("PASS no bug found: {} ({} steps, {})", r.coverage, r.total_steps,
                       format_duration(r.seconds));
  }
  if (r.exhaustive) {
    std::string besides = r.pruned_executions == 0
                              ? ""
                              : fmt::format(" and {} cut short as repeats", r.pruned_executions);
    if (r.shard_count > 1) {
      // What this shard covered: its part; the other parts are other runs'.
      besides += fmt::format(" of shard {}/{} ({} left to the other shards)", r.shard_index,
                             r.shard_count, r.other_shards);
    }
    return fmt::format("PASS no bug found: explored all {} executions{} ({}{} steps, {})",
                       r.executions, besides, probes_counted(r), r.total_steps,
                       format_duration(r.seconds));
  }
  // What was covered: "in 4 executions within 1 preemption", "in 1000
  // random executions (seed 1)"; then the budget that stopped it, if one did.
  std::string covered =
      r.coverage.empty() ? fmt::format("in {} executions", r.executions) : r.coverage;
  std::string budget = r.budget.empty() ? "" : fmt::format(" within budget ({})", r.budget);
  return fmt::format("PASS no bug found {}{}; not every schedule was covered", covered, budget);
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
      "  scheduler does not explore; Relacy does: {} relacy {}\n",
      spec.name, program_command(options), spec.name);
  return out;
}

std::string format_replay(const ReplayResult& r, const CheckOptions& options) {
  std::string out = fmt::format("replaying {}\n", r.schedule.to_string());
  out += r.failure ? format_failure_trace(r.trace, *r.failure, options.full_trace)
                   : format_trace(r.trace);
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
