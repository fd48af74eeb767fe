// These tests pin down plain DFS (every schedule, in DFS order), so they ask
// for it explicitly: the default strategy is DPOR.
#pragma once

#include "scheduler/strategies/explorer.h"

namespace test {

// They also pin down the interleaving bugs themselves (lost updates and
// their counts), so race detection is off: with it a racy model fails at its
// first unordered access instead (tests/race_detection_test.cc).
inline interleave::CheckOptions dfs_options(interleave::CheckOptions options = {}) {
  options.strategy = "dfs";
  options.limits.detect_races = false;
  return options;
}

template <interleave::Model M>
interleave::CheckResult dfs_check(const interleave::Params& params,
                                  interleave::CheckOptions options = {}) {
  return interleave::check_model<M>(params, dfs_options(options));
}

}  // namespace test
