#include "scheduler/api/params.h"

#include <stdexcept>

#include <fmt/format.h>

#include "scheduler/runtime/escape.h"

namespace interleave {

ParamSpec threads_param(int64_t default_value, int64_t max) {
  return {"threads", "t", default_value, 1, max, "number of model threads"};
}

ParamSpec iters_param(int64_t default_value, int64_t max) {
  return {"iters", "i", default_value, 1, max, "iterations of each thread's loop"};
}

int64_t Params::get(const std::string& name) const {
  for (const auto& [n, v] : named_) {
    if (n == name) return v;
  }
  throw std::logic_error("model asked for undeclared parameter '" + name + "'");
}

std::string Params::describe() const {
  std::string out;
  for (const auto& [n, v] : named_) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", n, v);
  }
  return out;
}

Expected<Params> Params::build(const std::string& model, const std::vector<ParamSpec>& specs,
                       const std::vector<std::pair<std::string, int64_t>>& values, bool by_key) {
  std::vector<int64_t> chosen;
  std::vector<bool> given(specs.size(), false);
  for (const auto& spec : specs) chosen.push_back(spec.default_value);
  for (const auto& [name, value] : values) {
    size_t i = 0;
    while (i < specs.size() && (by_key ? specs[i].key : specs[i].name) != name) ++i;
    if (i == specs.size()) {
      return Error{fmt::format("{} has no parameter '{}'", model, echo_input(name))};
    }
    if (given[i]) return Error{fmt::format("parameter '{}' given twice", echo_input(name))};
    given[i] = true;
    const ParamSpec& spec = specs[i];
    if (value < spec.min || value > spec.max) {
      return Error{fmt::format("{}={} is out of range for {}: must be {}..{}", spec.name, value,
                               model, spec.min, spec.max)};
    }
    chosen[i] = value;
  }
  if (by_key) {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (!given[i]) {
        return Error{fmt::format("schedule lacks parameter '{}' ({}) of {}", specs[i].key,
                                 specs[i].name, model)};
      }
    }
  }
  Params params;
  for (size_t i = 0; i < specs.size(); ++i) {
    params.named_.emplace_back(specs[i].name, chosen[i]);
    params.keyed_.emplace_back(specs[i].key, chosen[i]);
    if (specs[i].name == "threads") params.threads_ = static_cast<int>(chosen[i]);
    if (specs[i].name == "iters") params.iters_ = static_cast<int>(chosen[i]);
  }
  return params;
}

Expected<Params> Params::make(const std::string& model, const std::vector<ParamSpec>& specs,
                              const std::vector<std::pair<std::string, int64_t>>& values) {
  return build(model, specs, values, /*by_key=*/false);
}

Expected<Params> Params::from_keys(const std::string& model, const std::vector<ParamSpec>& specs,
                                   const std::vector<std::pair<std::string, int64_t>>& keyed) {
  return build(model, specs, keyed, /*by_key=*/true);
}

}  // namespace interleave
