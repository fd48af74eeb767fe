// Model parameters: what a model accepts (ParamSpec) and the validated values
// of one check (Params).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/api/expected.h"

namespace interleave {

// One parameter a model accepts.
struct ParamSpec {
  // Long name, as on the command line: --threads, --param name=value.
  std::string name;
  // Short key used in schedule strings ("t" for threads: "t2").
  std::string key;
  int64_t default_value = 1;
  int64_t min = 1;
  int64_t max = 1;
  // One line for `interleave list`.
  std::string help;
};

// The standard parameters every model has.
ParamSpec threads_param(int64_t default_value = 2, int64_t max = 8);
ParamSpec iters_param(int64_t default_value = 1, int64_t max = 1000);

// Validated parameter values of one check, in the model's declaration order.
class Params {
 public:
  Params() = default;

  // The value of parameter `name`. Asking for a parameter the model did not
  // declare is a programming error in the model and throws std::logic_error.
  int64_t get(const std::string& name) const;
  // The standard parameters (cached: cheap enough for a thread body's loop).
  int threads() const { return checked(threads_, "threads"); }
  int iters() const { return checked(iters_, "iters"); }

  // Parameters as (short key, value) pairs, in declaration order.
  const std::vector<std::pair<std::string, int64_t>>& keyed() const { return keyed_; }
  // "threads=2 iters=1", for reports.
  std::string describe() const;

  // Starts from each spec's default, applies `values` (by long name), checks
  // names and ranges. Errors name the parameter, the value and the range.
  static Expected<Params> make(const std::string& model, const std::vector<ParamSpec>& specs,
                               const std::vector<std::pair<std::string, int64_t>>& values);
  // The same from (short key, value) pairs, as a schedule string carries them;
  // every declared parameter must be present.
  static Expected<Params> from_keys(const std::string& model, const std::vector<ParamSpec>& specs,
                                    const std::vector<std::pair<std::string, int64_t>>& keyed);

 private:
  static Expected<Params> build(const std::string& model, const std::vector<ParamSpec>& specs,
                                const std::vector<std::pair<std::string, int64_t>>& values,
                                bool by_key);

  int checked(int value, const char* name) const {
    return value >= 0 ? value : static_cast<int>(get(name));
  }

  // (long name, value), in declaration order.
  std::vector<std::pair<std::string, int64_t>> named_;
  // (short key, value), in declaration order.
  std::vector<std::pair<std::string, int64_t>> keyed_;
  // Values of "threads" and "iters"; -1 when the model lacks them.
  int threads_ = -1;
  int iters_ = -1;
};

}  // namespace interleave
