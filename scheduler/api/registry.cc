#include "scheduler/api/registry.h"

#include <stdexcept>

#include <fmt/format.h>

#include "scheduler/runtime/escape.h"

namespace interleave {

void Registry::check_addable(const ModelSpec& spec) const {
  std::string problem = spec_problem(spec);
  if (!problem.empty()) throw std::logic_error(problem);
  if (find(spec.name)) throw std::logic_error("model " + spec.name + " is registered twice");
}

Expected<const RegisteredModel*> Registry::find(std::string_view name) const {
  for (const RegisteredModel& m : models_) {
    if (m.spec.name == name) return &m;
  }
  return Error{fmt::format("unknown model '{}' (`list` shows the models)",
                           echo_input(name))};
}

Expected<Registry::Resolved> Registry::resolve(
    std::string_view name, const std::vector<std::pair<std::string, int64_t>>& params) const {
  auto model = find(name);
  if (!model) return Error{model.error()};
  auto validated = Params::make((*model)->spec.name, (*model)->spec.params, params);
  if (!validated) return Error{validated.error()};
  return Resolved{*model, std::move(*validated)};
}

Expected<CheckResult> Registry::check(std::string_view name,
                                      const std::vector<std::pair<std::string, int64_t>>& params,
                                      const CheckOptions& options) const {
  auto resolved = resolve(name, params);
  if (!resolved) return Error{resolved.error()};
  const Resolved& chosen = *resolved;
  return interleave::check(
      chosen.model->spec, chosen.params,
      RunnerFactory([&chosen] { return chosen.model->make_runner(chosen.params); }), options);
}

Expected<ReplayResult> Registry::replay(std::string_view schedule_text,
                                        const ExecutionLimits& limits) const {
  auto schedule = Schedule::parse(schedule_text);
  if (!schedule) return Error{schedule.error()};
  auto model = find(schedule->model);
  if (!model) return Error{model.error()};
  auto resolved = resolve_schedule((*model)->spec, schedule_text);
  if (!resolved) return Error{resolved.error()};
  auto& [parsed, params] = *resolved;
  auto runner = (*model)->make_runner(params);
  return interleave::replay((*model)->spec, params, *runner, parsed, limits);
}

}  // namespace interleave
