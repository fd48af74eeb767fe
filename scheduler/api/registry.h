// Models by name, so the CLI and tests can find "counter.racy" and friends,
// and resolve a schedule string to the model and parameters it names.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/api/expected.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/model.h"
#include "scheduler/strategies/schedule.h"

namespace interleave {

struct RegisteredModel {
  ModelSpec spec;
  // Builds a runner for one check of the model with these parameters.
  std::function<std::unique_ptr<ModelRunner>(const Params&)> make_runner;
};

class Registry {
 public:
  // Registers model type M. A malformed spec (see spec_problem) or a name
  // already taken is a programming error: std::logic_error.
  template <Model M>
  void add() {
    check_addable(M::spec());
    models_.push_back(RegisteredModel{M::spec(), [](const Params& params) {
                                        return std::unique_ptr<ModelRunner>(
                                            new ModelAdapter<M>(params));
                                      }});
  }

  // Every model, in registration order.
  const std::vector<RegisteredModel>& models() const { return models_; }

  // The model called `name`, or an error naming it.
  Expected<const RegisteredModel*> find(std::string_view name) const;

  // A model and validated parameters (long names) for one run.
  struct Resolved {
    const RegisteredModel* model;
    Params params;
  };
  Expected<Resolved> resolve(std::string_view name,
                             const std::vector<std::pair<std::string, int64_t>>& params) const;

  // Looks up the model and validates the parameters (long names), then
  // explores it with options.strategy.
  Expected<CheckResult> check(std::string_view name,
                              const std::vector<std::pair<std::string, int64_t>>& params,
                              const CheckOptions& options) const;

  // Parses a schedule string, resolves its model and parameters, and
  // replays it.
  Expected<ReplayResult> replay(std::string_view schedule_text,
                                const ExecutionLimits& limits = {}) const;

 private:
  void check_addable(const ModelSpec& spec) const;

  std::vector<RegisteredModel> models_;
};

}  // namespace interleave
