#include "scheduler/explorer.h"

#include <chrono>

#include <fmt/format.h>

#include "scheduler/dfs.h"
#include "scheduler/dpor.h"
#include "scheduler/replay.h"

namespace interleave {

Schedule schedule_of(const ModelSpec& spec, const Params& params,
                     const std::vector<TraceStep>& trace) {
  Schedule s;
  s.model = spec.name;
  s.params = params.keyed();
  s.choices.reserve(trace.size());
  for (const TraceStep& step : trace) s.choices.push_back(step.thread);
  return s;
}

CheckResult explore(const ModelSpec& spec, const Params& params, ModelRunner& model,
                    Strategy& strategy, const CheckOptions& options) {
  CheckResult result;
  result.model = spec.name;
  result.params = params;
  result.strategy = std::string(strategy.name());
  result.error = spec_problem(spec);
  if (!result.error.empty()) return result;

  auto start = std::chrono::steady_clock::now();
  Execution execution(options.limits);
  bool stopped_early = false;
  while (strategy.begin_execution()) {
    Outcome outcome = execution.run(model, strategy);
    ++result.executions;
    result.total_steps += execution.steps();
    if (outcome == Outcome::kStopped) {
      --result.executions;
      if (strategy.error().empty()) {
        ++result.pruned_executions;
        continue;
      }
      result.error = strategy.error();
      stopped_early = true;
      break;
    }
    if (outcome == Outcome::kFailed) {
      ++result.failing_executions;
      if (!result.first_failure) {
        result.first_failure = FoundFailure{*execution.failure(),
                                            schedule_of(spec, params, execution.trace()),
                                            execution.trace(), result.executions};
      }
      if (!options.all) {
        stopped_early = true;
        break;
      }
    }
  }
  if (result.error.empty()) result.error = strategy.error();
  result.exhaustive = !stopped_early && result.error.empty() && strategy.exhaustive();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

Expected<std::unique_ptr<Strategy>> make_strategy(const std::string& name) {
  if (name == "dfs") return std::unique_ptr<Strategy>(new DfsStrategy());
  if (name == "dpor") return std::unique_ptr<Strategy>(new DporStrategy());
  return Error{fmt::format("unknown strategy '{}' (dfs, dpor)", name)};
}

CheckResult check(const ModelSpec& spec, const Params& params, ModelRunner& model,
                  const CheckOptions& options) {
  auto strategy = make_strategy(options.strategy);
  if (!strategy) {
    CheckResult result;
    result.model = spec.name;
    result.params = params;
    result.strategy = options.strategy;
    result.error = strategy.error();
    return result;
  }
  return explore(spec, params, model, **strategy, options);
}

CheckResult check_dfs(const ModelSpec& spec, const Params& params, ModelRunner& model,
                      const CheckOptions& options) {
  DfsStrategy dfs;
  return explore(spec, params, model, dfs, options);
}

Expected<std::pair<Schedule, Params>> resolve_schedule(const ModelSpec& spec,
                                                       std::string_view schedule_text) {
  auto schedule = Schedule::parse(schedule_text);
  if (!schedule) return Error{schedule.error()};
  if (schedule->model != spec.name) {
    return Error{fmt::format("schedule is for model {}, not {}", schedule->model, spec.name)};
  }
  auto params = Params::from_keys(spec.name, spec.params, schedule->params);
  if (!params) return Error{params.error()};
  return std::pair<Schedule, Params>(std::move(*schedule), std::move(*params));
}

Expected<ReplayResult> replay(const ModelSpec& spec, const Params& params, ModelRunner& model,
                              const Schedule& schedule, const ExecutionLimits& limits) {
  if (schedule.model != spec.name) {
    return Error{fmt::format("schedule is for model {}, not {}", schedule.model, spec.name)};
  }
  if (schedule.params != params.keyed()) {
    Schedule expected;
    expected.model = spec.name;
    expected.params = params.keyed();
    return Error{fmt::format("schedule parameters do not match: it has '{}', the check has '{}'",
                             schedule.to_string(), expected.to_string())};
  }
  ReplayStrategy strategy(schedule.choices);
  Execution execution(limits);
  strategy.begin_execution();
  Outcome outcome = execution.run(model, strategy);
  if (!strategy.error().empty()) return Error{strategy.error()};
  if (outcome == Outcome::kStopped) return Error{"schedule does not fit the execution"};
  ReplayResult result;
  result.schedule = schedule_of(spec, params, execution.trace());
  result.outcome = outcome;
  result.failure = execution.failure();
  result.trace = execution.trace();
  return result;
}

}  // namespace interleave
