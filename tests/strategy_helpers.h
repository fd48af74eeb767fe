// For tests that check one model under every exploration strategy.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scheduler/strategies/explorer.h"

namespace test {

// Every strategy the explorer offers (make_strategy), but replay, which is
// tested on the schedules the others find.
inline const std::vector<std::string> kEveryStrategy = {"dfs",       "dpor",   "bounded",
                                                        "iterative", "random", "pct"};

// Checks model M at its default parameters with `strategy`, nothing on stderr.
template <interleave::Model M>
interleave::CheckResult check_with(const std::string& strategy,
                                   interleave::ExecutionLimits limits = {}) {
  auto params = interleave::make_params<M>({});
  REQUIRE(params.ok());
  interleave::CheckOptions options;
  options.strategy = strategy;
  options.limits = limits;
  options.progress = false;
  return interleave::check_model<M>(*params, options);
}

// Checks model M at its default parameters with DFS through every execution
// (failing ones counted, not stopped at), nothing on stderr.
template <interleave::Model M>
interleave::CheckResult check_all_dfs(interleave::ExecutionLimits limits = {}) {
  auto params = interleave::make_params<M>({});
  REQUIRE(params.ok());
  interleave::CheckOptions options;
  options.strategy = "dfs";
  options.all = true;
  options.limits = limits;
  options.progress = false;
  return interleave::check_model<M>(*params, options);
}

}  // namespace test
