// Executions to the first bug, per strategy, for every buggy built-in model
// (at its default parameters, then at a few larger sizes): the default check
// (DPOR with probes, scheduler/strategies/portfolio.h), exhaustive DFS and
// DPOR alone (--no-probes), iterative preemption bounding (deterministic; the
// preemptions of the bug it finds, which are the fewest any failing schedule
// has), and the random walk and PCT (median over seeds 1..20, with the range).
//
//   bazel run -c opt //bench:bug_finding_bench
//
// Models whose bug needs relaxed memory (spec.relaxed_only) are skipped: the
// scheduler explores sequentially consistent interleavings only. Every found
// failure is replayed from its schedule string and must fail the same way.
// The program exits 1 if one does not, if the default check misses a bug, or
// if random or PCT miss one within their budget (100,000 executions per
// seed). DFS, DPOR and iterative get kExhaustiveBudget executions per row: on
// the crowd rows (a bug between the first two of many threads) they run out
// of it, which is the point of those rows, and the table says ">budget".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/builtin.h"
#include "scheduler/strategies/explorer.h"

namespace {

using Values = std::vector<std::pair<std::string, int64_t>>;

constexpr int kSeeds = 20;
constexpr uint64_t kRandomBudget = 100'000;
constexpr uint64_t kExhaustiveBudget = 1'000'000;

struct Row {
  std::string model;
  Values params;
};

std::string describe(const Values& params) {
  if (params.empty()) return "defaults";
  std::string out;
  for (const auto& [name, value] : params) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  }
  return out;
}

bool ok = true;

// Executions to the first bug, or nullopt if none was found; checks that
// the failure replays.
std::optional<uint64_t> to_first_bug(const Row& row, const interleave::CheckOptions& given,
                                     int* preemptions = nullptr) {
  // The interleaving bugs themselves: with race detection the racy models
  // fail at their first race, in their first execution (docs/races.md).
  interleave::CheckOptions options = given;
  options.limits.detect_races = false;
  options.progress = false;  // the table only
  auto result = models::builtin().check(row.model, row.params, options);
  if (!result || !result->error.empty()) {
    fmt::print("{} {} {}: {}\n", row.model, describe(row.params), options.strategy,
               result ? result->error : result.error());
    ok = false;
    return std::nullopt;
  }
  if (!result->found_bug()) return std::nullopt;
  const auto& found = *result->first_failure;
  auto replayed = models::builtin().replay(found.schedule.to_string(), options.limits);
  if (!replayed || !replayed->failure || !replayed->failure->same_as(found.failure)) {
    fmt::print("{} {} {}: the schedule {} does not replay to the failure\n", row.model,
               describe(row.params), options.strategy, found.schedule.to_string());
    ok = false;
  }
  if (preemptions) *preemptions = found.preemptions;
  return found.execution;
}

std::string plain(const std::optional<uint64_t>& n) {
  return n ? fmt::format("{}", *n) : fmt::format(">{}", kExhaustiveBudget);
}

// Median over seeds 1..kSeeds (misses count as larger than any hit), with
// the range.
std::string over_seeds(const Row& row, const std::string& strategy) {
  std::vector<uint64_t> runs;
  int missed = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    interleave::CheckOptions options;
    options.strategy = strategy;
    options.seed = static_cast<uint64_t>(seed);
    options.max_executions = kRandomBudget;
    auto n = to_first_bug(row, options);
    runs.push_back(n ? *n : UINT64_MAX);
    if (!n) ++missed;
  }
  std::sort(runs.begin(), runs.end());
  auto show = [](uint64_t v) { return v == UINT64_MAX ? std::string(">budget") : fmt::format("{}", v); };
  uint64_t lo = runs[kSeeds / 2 - 1], hi = runs[kSeeds / 2];
  std::string median = lo == UINT64_MAX || hi == UINT64_MAX ? ">budget"
                       : (lo + hi) % 2 == 0             ? fmt::format("{}", (lo + hi) / 2)
                                                        : fmt::format("{}.5", (lo + hi) / 2);
  if (missed > 0) ok = false;
  return fmt::format("{} ({}..{})", median, show(runs.front()), show(runs.back()));
}

}  // namespace

int main() {
  std::vector<Row> rows;
  for (const auto& model : models::builtin().models()) {
    if (model.spec.buggy && !model.spec.relaxed_only) rows.push_back({model.spec.name, {}});
  }
  // Larger instances, where the strategies differ more.
  rows.push_back({"counter.racy", {{"threads", 4}, {"iters", 3}}});
  rows.push_back({"list.check_then_pop", {{"threads", 4}}});
  rows.push_back({"list.linked_push", {{"threads", 4}, {"iters", 3}}});
  rows.push_back({"queue.unlocked_ring", {{"producers", 3}, {"consumers", 2}, {"items", 2}}});
  rows.push_back({"queue.empty_then_get", {{"consumers", 3}}});
  rows.push_back({"queue.missed_wakeup", {{"items", 3}}});
  // A one-preemption bug between the first two of many threads.
  rows.push_back({"crowd.racy", {{"threads", 8}}});
  rows.push_back({"crowd.racy", {{"threads", 10}}});
  rows.push_back({"crowd.racy", {{"threads", 10}, {"iters", 2}}});

  fmt::print("executions to the first bug; random and PCT (depth 3): median over seeds 1..{} "
             "(min..max); DFS, DPOR and iterative alone: at most {} executions\n\n",
             kSeeds, kExhaustiveBudget);
  fmt::print("| model | parameters | default check | DFS | DPOR | iterative (preemptions) | "
             "random | PCT |\n");
  fmt::print("|---|---|---|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    interleave::CheckOptions check;  // what `interleave check MODEL` does
    interleave::CheckOptions dfs;
    dfs.strategy = "dfs";
    dfs.probes = false;
    dfs.max_executions = kExhaustiveBudget;
    interleave::CheckOptions dpor = dfs;
    dpor.strategy = "dpor";
    interleave::CheckOptions iterative = dfs;
    iterative.strategy = "iterative";
    int preemptions = -1;
    auto check_n = to_first_bug(row, check);
    auto dfs_n = to_first_bug(row, dfs);
    auto dpor_n = to_first_bug(row, dpor);
    auto iterative_n = to_first_bug(row, iterative, &preemptions);
    if (!check_n) ok = false;
    std::string iter =
        iterative_n ? fmt::format("{} ({})", *iterative_n, preemptions) : plain(iterative_n);
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} |\n", row.model, describe(row.params),
               plain(check_n), plain(dfs_n), plain(dpor_n), iter, over_seeds(row, "random"),
               over_seeds(row, "pct"));
    std::fflush(stdout);
  }
  if (!ok) fmt::print("\nSOME STRATEGY MISSED A BUG OR A SCHEDULE DID NOT REPLAY\n");
  return ok ? 0 : 1;
}
