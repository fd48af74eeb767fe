// These tests pin down plain DFS (every schedule, in DFS order), so they ask
// for it explicitly: the default strategy is DPOR.
#pragma once

#include "scheduler/explorer.h"

namespace test {

inline interleave::CheckOptions dfs_options(interleave::CheckOptions options = {}) {
  options.strategy = "dfs";
  return options;
}

template <interleave::Model M>
interleave::CheckResult dfs_check(const interleave::Params& params,
                                  interleave::CheckOptions options = {}) {
  return interleave::check_model<M>(params, dfs_options(options));
}

}  // namespace test
