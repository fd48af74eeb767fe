#include "scheduler/reports/json_report.h"

#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scheduler/reports/explain.h"
#include "scheduler/reports/report.h"
#include "scheduler/reports/verdict.h"

namespace interleave {

namespace {

using json = nlohmann::ordered_json;

json location_json(const std::source_location& loc) {
  if (loc.line() == 0) return nullptr;
  std::string_view file = loc.file_name();
  if (file.starts_with("./")) file.remove_prefix(2);
  return {{"file", std::string(file)}, {"line", loc.line()}};
}

// "threads=2 iters=1" -> {"threads": 2, "iters": 1}.
json params_json(const Params& params) {
  json out = json::object();
  std::string text = params.describe();
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(at, end - at);
    if (size_t eq = item.find('='); eq != std::string::npos) {
      out[item.substr(0, eq)] = std::stoll(item.substr(eq + 1));
    }
    at = end + 1;
  }
  return out;
}

json step_json(const TraceStep& s) {
  json loc = location_json(s.op.location);
  json j = {
      {"thread", s.thread},
      {"operation", std::string(op_name(s.op.kind))},
      {"object", std::string(s.op.name)},
      {"read", s.has_read ? json(s.read) : json(nullptr)},
      {"written", s.has_written ? json(s.written) : json(nullptr)},
      {"file", loc.is_null() ? json(nullptr) : loc["file"]},
      {"line", loc.is_null() ? json(nullptr) : loc["line"]},
  };
  return j;
}

// A failure, the schedule that replays it and its trace, marked as the
// explanation marks it.
json failure_json(const Failure& failure, const Schedule& schedule,
                  const std::vector<TraceStep>& steps, const CheckOptions& options) {
  Explanation e = explain(steps, &failure);
  json trace = json::array();
  for (size_t i = 0; i < steps.size(); ++i) {
    json step = {{"step", i + 1}};
    step.update(step_json(steps[i]));
    step["switch"] = e.marks[i].context_switch;
    step["key"] = e.marks[i].key;
    trace.push_back(std::move(step));
  }
  json blocked = json::array();
  for (const TraceStep& s : failure.blocked) blocked.push_back(step_json(s));
  return {
      {"kind", std::string(failure_kind_name(failure.kind))},
      {"message", failure.message},
      {"thread", failure.thread == kNoThread ? json(nullptr) : json(failure.thread)},
      {"location", location_json(failure.location)},
      {"schedule", schedule.to_string()},
      {"replay", replay_command(schedule, options)},
      {"explanation", e.summary},
      {"key_steps", e.key_steps},
      {"trace", std::move(trace)},
      {"blocked", std::move(blocked)},
      // A data race: the earlier access (1-based step); the later is the last.
      {"racing_step", failure.racing_step >= 0 ? json(failure.racing_step + 1) : json(nullptr)},
  };
}

}  // namespace

std::string check_json(const CheckResult& r, const CheckOptions& options) {
  json doc = {
      {"format", "interleave.check"},
      {"version", kCheckJsonVersion},
      {"model", r.model},
      {"params", params_json(r.params)},
      {"strategy", r.strategy},
      {"verdict", std::string(verdict_name(verdict_of(r)))},
      {"error", r.error.empty() ? json(nullptr) : json(r.error)},
      {"executions", r.executions},
      {"failing_executions", r.failing_executions},
      {"pruned_executions", r.pruned_executions},
      {"probe_executions", r.probe_executions},
      {"shard", r.shard_count > 1 ? json(fmt::format("{}/{}", r.shard_index, r.shard_count))
                                  : json(nullptr)},
      {"other_shards", r.other_shards},
      {"jobs", r.jobs},
      {"subtrees", r.subtrees},
      {"dpor_plan_limit", options.dpor_plan_limit},
      {"bounded_plans", r.bounded_plans},
      {"total_steps", r.total_steps},
      {"seconds", r.seconds},
      {"exhaustive", r.exhaustive},
      {"coverage", r.coverage},
      {"budget", r.budget},
      {"limit", r.limit.empty() ? json(nullptr) : json(r.limit)},
      {"raise_limit", r.raise_limit.empty() ? json(nullptr) : json(r.raise_limit)},
      {"seed", r.seed ? json(*r.seed) : json(nullptr)},
      {"race_detection", options.limits.detect_races},
      {"failure", nullptr},
  };
  if (r.first_failure) {
    const FoundFailure& f = *r.first_failure;
    json failure = failure_json(f.failure, f.schedule, f.trace, options);
    // In check's order of fields: execution and preemptions after location.
    json ordered = json::object();
    for (auto& [key, value] : failure.items()) {
      ordered[key] = value;
      if (key == "location") {
        ordered["execution"] = f.execution;
        ordered["by_probe"] = f.by_probe;
        ordered["preemptions"] = f.preemptions;
      }
    }
    doc["failure"] = std::move(ordered);
  }
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string replay_json(const ReplayResult& r, const CheckOptions& options) {
  json doc = {
      {"format", "interleave.replay"},
      {"version", kReplayJsonVersion},
      {"model", r.schedule.model},
      {"schedule", r.schedule.to_string()},
      {"replay", replay_command(r.schedule, options)},
      {"verdict", r.failure ? "bug" : "pass"},
      {"steps", r.trace.size()},
      {"failure", r.failure ? failure_json(*r.failure, r.schedule, r.trace, options)
                            : json(nullptr)},
  };
  if (!r.failure) {
    json trace = json::array();
    for (size_t i = 0; i < r.trace.size(); ++i) {
      json step = {{"step", i + 1}};
      step.update(step_json(r.trace[i]));
      trace.push_back(std::move(step));
    }
    doc["trace"] = std::move(trace);
  }
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace interleave
