// Sharded checks (--shard I/K): how evenly K shards split one exhaustive
// check, and what sharding costs. For each row, the unsharded check, then
// each of its K shards one after another (as K machines would run them at
// once): the shards' executions summed (checked equal to the unsharded
// count; the program exits 1 if not), the executions cut short (DPOR shards
// explore their first states without plans: see dpor.h, "Sharding"), the
// largest shard's executions against the mean, and the slowest shard's time
// against the unsharded check's (the wall time K machines would take).
//
//   bazel run -c opt //bench:shard_bench                     # K = 2 and 4
//   bazel run -c opt //bench:shard_bench -- --shards 2,4,8
//
// Times: std::chrono::steady_clock around each check, one run each.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/builtin.h"
#include "scheduler/api/registry.h"
#include "scheduler/strategies/explorer.h"

namespace {

struct Row {
  std::string model;
  std::vector<std::pair<std::string, int64_t>> params;
  std::string strategy;
};

struct Measured {
  interleave::CheckResult result;
  double seconds = 0;
};

Measured measure(const Row& row, int index, int count) {
  interleave::CheckOptions options;
  options.strategy = row.strategy;
  options.progress = false;
  options.probes = false;
  options.shard_index = index;
  options.shard_count = count;
  const auto start = std::chrono::steady_clock::now();
  auto result = models::builtin().check(row.model, row.params, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result || !result->error.empty()) {
    std::fprintf(stderr, "%s: %s\n", row.model.c_str(),
                 result ? result->error.c_str() : result.error().c_str());
    std::exit(2);
  }
  return {std::move(*result), seconds};
}

std::vector<int> parse_counts(std::string_view text) {
  std::vector<int> counts;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const int k = std::atoi(std::string(text.substr(0, comma)).c_str());
    if (k < 2 || k > 64) {
      std::fprintf(stderr, "--shards takes counts from 2 to 64, e.g. 2,4\n");
      std::exit(2);
    }
    counts.push_back(k);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> counts = {2, 4};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--shards" && i + 1 < argc) {
      counts = parse_counts(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: shard_bench [--shards 2,4]\n");
      return 2;
    }
  }
  const std::vector<Row> rows = {
      {"litmus.readers", {{"n", 16}}, "dpor"},
      {"litmus.lastzero", {{"n", 13}}, "dpor"},
      {"queue.blocking", {{"items", 3}}, "dpor"},
      {"counter.locked", {{"threads", 3}, {"iters", 3}}, "dpor"},
      {"list.append_locked", {{"threads", 4}, {"iters", 3}}, "dpor"},
      {"queue.blocking", {}, "dfs"},
      {"counter.locked", {{"threads", 4}, {"iters", 2}}, "dfs"},
  };
  std::printf("| model | strategy | K | executions | cut short (unsharded / shards) | largest shard / mean "
              "| slowest shard / unsharded time |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const Row& row : rows) {
    const Measured whole = measure(row, 0, 1);
    std::string name = row.model;
    for (const auto& [key, value] : row.params) name += fmt::format(" {}={}", key, value);
    for (int k : counts) {
      uint64_t executions = 0, pruned = 0, largest = 0;
      double slowest = 0;
      for (int i = 0; i < k; ++i) {
        const Measured part = measure(row, i, k);
        executions += part.result.executions;
        pruned += part.result.pruned_executions;
        largest = std::max(largest, part.result.executions);
        slowest = std::max(slowest, part.seconds);
      }
      const bool same = executions == whole.result.executions;
      ok = ok && same;
      std::printf("| %s | %s | %d | %s%s | %s / %s | %.2fx | %.3f s / %.3f s |\n", name.c_str(),
                  row.strategy.c_str(), k, fmt::format("{:L}", executions).c_str(),
                  same ? "" : fmt::format(" (unsharded: {}) MISMATCH", whole.result.executions).c_str(),
                  fmt::format("{:L}", whole.result.pruned_executions).c_str(),
                  fmt::format("{:L}", pruned).c_str(),
                  static_cast<double>(largest) * k / static_cast<double>(std::max<uint64_t>(executions, 1)),
                  slowest, whole.seconds);
    }
  }
  return ok ? 0 : 1;
}
