// `interleave merge`: one verdict from the JSON reports of the shards of a
// sharded check (`check --shard I/K --json FILE`, or Bazel's test shards).
//
// The shards of one check explore disjoint parts of one search (bounded.h,
// set_shard()), so their counts add up to the unsharded check's exactly.
// Merging checks that the reports belong together (one model, parameters,
// strategy and shard count; every shard 0..K-1 once) and gives the verdict
// of the whole: a bug if any shard found one (the lowest shard's failure,
// with its replay command), incomplete if any shard was stopped by a limit
// or budget (which one, and how to raise it), else a pass over every
// schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/api/expected.h"
#include "scheduler/reports/verdict.h"

namespace interleave {

// One report to merge: where it came from (for errors) and its text.
struct ReportFile {
  std::string name;
  std::string text;
};

struct MergedCheck {
  std::string model;
  // The parameters as the reports give them ("threads=3 iters=2").
  std::string params;
  std::string strategy;
  // K: every shard 0..K-1 was given once.
  int shards = 1;
  // Sums over the shards.
  uint64_t executions = 0;
  uint64_t failing_executions = 0;
  uint64_t pruned_executions = 0;
  uint64_t total_steps = 0;
  // Races planned past DPOR's memory bound (CheckResult::bounded_plans).
  uint64_t bounded_plans = 0;
  double seconds = 0;
  // Whether every shard covered every schedule of its part (false for a
  // bounded search that cut schedules, or a run stopped early).
  bool exhaustive = true;
  // kBug, kIncomplete or kPass.
  Verdict verdict = Verdict::kPass;
  // The shard behind the verdict when it is not a pass: the lowest shard
  // with a bug, else the lowest one a limit stopped; -1 for a pass.
  int deciding_shard = -1;
  // A bug: its message and the command that replays it.
  std::string failure_message;
  std::string replay;
  // Incomplete: the limit that stopped the deciding shard, and how to raise it.
  std::string limit;
  std::string raise_limit;
};

// Merges the check reports of the shards of one check. Errors (one line,
// naming the file): not JSON, not an interleave.check report of this
// version, a check that ended in an error, reports of different checks, a
// shard given twice or missing.
Expected<MergedCheck> merge_check_reports(const std::vector<ReportFile>& reports);

// The merged verdict as text: a header line and the verdict line (and the
// replay command of a bug), like `interleave check` prints its own.
std::string format_merged(const MergedCheck& merged);

}  // namespace interleave
