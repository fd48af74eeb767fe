#include "scheduler/registry.h"

#include <fmt/format.h>

namespace interleave {

Expected<const RegisteredModel*> Registry::find(std::string_view name) const {
  for (const RegisteredModel& m : models_) {
    if (m.spec.name == name) return &m;
  }
  return Error{fmt::format("unknown model '{}' (`interleave list` shows the models)", name)};
}

Expected<CheckResult> Registry::check(std::string_view name,
                                      const std::vector<std::pair<std::string, int64_t>>& params,
                                      const CheckOptions& options) const {
  auto model = find(name);
  if (!model) return Error{model.error()};
  auto validated = Params::make((*model)->spec.name, (*model)->spec.params, params);
  if (!validated) return Error{validated.error()};
  auto runner = (*model)->make_runner(*validated);
  return check_dfs((*model)->spec, *validated, *runner, options);
}

Expected<ReplayResult> Registry::replay(std::string_view schedule_text,
                                        const ExecutionLimits& limits) const {
  auto schedule = Schedule::parse(schedule_text);
  if (!schedule) return Error{schedule.error()};
  auto model = find(schedule->model);
  if (!model) return Error{model.error()};
  auto params = Params::from_keys((*model)->spec.name, (*model)->spec.params, schedule->params);
  if (!params) return Error{params.error()};
  auto runner = (*model)->make_runner(*params);
  return interleave::replay((*model)->spec, *params, *runner, *schedule, limits);
}

}  // namespace interleave
