// Exhaustive exploration under DFS and DPOR, side by side: executions,
// sleep-set-blocked (pruned) executions, wall time, and cost per execution,
// on the published DPOR benchmarks (inc, readers, lastzero) and the
// counter, list and queue models.
//
//   bazel run -c opt //bench:strategy_bench            # ~10 s
//   bazel run -c opt //bench:strategy_bench -- --big   # adds lastzero(15) (about a minute)
//
// DFS rows are skipped where DFS would run for minutes. Every row is checked:
// no bug found and the run was exhaustive.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/builtin.h"
#include "scheduler/explorer.h"

namespace {

struct Row {
  std::string model;
  std::vector<std::pair<std::string, int64_t>> params;
  bool with_dfs;
  // Published count of complete executions under SC (GenMC), 0 if none.
  uint64_t published;
};

std::string describe(const std::vector<std::pair<std::string, int64_t>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += (out.empty() ? "" : " ") + name + "=" + std::to_string(value);
  }
  return out;
}

bool run(const Row& row, const std::string& strategy) {
  interleave::CheckOptions options;
  options.strategy = strategy;
  auto result = models::builtin().check(row.model, row.params, options);
  if (!result || result->found_bug() || !result->exhaustive) {
    std::printf("%-18s %-22s %-5s  FAILED: %s\n", row.model.c_str(), describe(row.params).c_str(),
                strategy.c_str(), result ? "bug or not exhaustive" : result.error().c_str());
    return false;
  }
  const auto& r = *result;
  double total = static_cast<double>(r.executions + r.pruned_executions);
  std::printf("%-18s %-22s %-5s %12llu %12llu %10s %11.3f %11.0f\n", row.model.c_str(),
              describe(row.params).c_str(), strategy.c_str(),
              static_cast<unsigned long long>(r.executions),
              static_cast<unsigned long long>(r.pruned_executions),
              row.published == 0 ? "-"
              : row.published == r.executions ? "exact"
                                              : "DIFFERS",
              r.seconds * 1e3, r.seconds * 1e9 / total);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool big = argc > 1 && std::string_view(argv[1]) == "--big";
  std::vector<Row> rows = {
      {"litmus.inc", {{"n", 2}}, true, 4},
      {"litmus.inc", {{"n", 3}}, true, 36},
      {"litmus.inc", {{"n", 4}}, true, 576},
      {"litmus.readers", {{"n", 2}}, true, 4},
      {"litmus.readers", {{"n", 8}}, true, 256},
      {"litmus.readers", {{"n", 13}}, false, 8192},
      {"litmus.lastzero", {{"n", 5}}, true, 64},
      {"litmus.lastzero", {{"n", 10}}, false, 3328},
      {"counter.locked", {{"threads", 2}, {"iters", 2}}, true, 0},
      {"counter.locked", {{"threads", 3}, {"iters", 2}}, true, 0},
      {"counter.atomic", {{"threads", 3}, {"iters", 2}}, true, 0},
      {"list.append_locked", {{"threads", 3}, {"iters", 2}}, true, 0},
      {"list.linked_push_locked", {{"threads", 3}, {"iters", 2}}, true, 0},
      {"queue.blocking", {}, true, 0},
      {"queue.locked_ring", {{"producers", 2}, {"consumers", 2}, {"items", 2}}, true, 0},
  };
  if (big) rows.push_back({"litmus.lastzero", {{"n", 15}}, false, 147456});

  std::printf("%-18s %-22s %-5s %12s %12s %10s %11s %11s\n", "model", "parameters", "strat",
              "executions", "pruned", "published", "time ms", "ns/exec");
  bool ok = true;
  for (const Row& row : rows) {
    if (row.with_dfs) ok &= run(row, "dfs");
    ok &= run(row, "dpor");
  }
  std::printf("(pruned = sleep-set-blocked executions, cut short; ns/exec counts them too)\n");
  return ok ? 0 : 1;
}
