// Parallel checks (--jobs N, scheduler/strategies/parallel.h): executions
// per second of one exhaustive check on 1, 2, ... workers, the speed-up over
// one, and how often work was handed over (subtrees taken; for DPOR, 1 plus
// the branches workers took from shared states, or 1 when the run was done
// on one core: see parallel_dpor.h). Every run's
// counts (executions, cut short, failing) are checked equal to the one-worker
// run's, except DPOR's cut-short executions (its workers may cut short some
// one core does not: shown beside the rate); the program exits 1 if any
// differs. Prints one markdown table.
//
//   bazel run -c opt //bench:parallel_bench                 # about a minute on 2 cores
//   bazel run -c opt //bench:parallel_bench -- --jobs 1,2,16
//   bazel run -c opt //bench:parallel_bench -- --smoke      # tiny, for the CI test
//
// Speed-up is bounded by the cores the machine gives (`nproc`); runs with
// more workers than cores measure correctness under contention, not speed.
// Times: std::chrono::steady_clock around the check, best of 3 for runs
// under two seconds.
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
#include "scheduler/reports/progress.h"
#include "scheduler/strategies/explorer.h"

namespace {

struct Row {
  std::string model;
  std::vector<std::pair<std::string, int64_t>> params;
  std::string strategy;
  int preemptions = -1;
};

struct Measured {
  interleave::CheckResult result;
  double seconds = 0;
};

Measured measure(const Row& row, int jobs, int repeats) {
  interleave::CheckOptions options;
  options.strategy = row.strategy;
  options.preemptions = row.preemptions;
  options.jobs = jobs;
  options.progress = false;
  options.probes = false;
  options.limits.detect_races = false;  // counter.racy: count every lost update
  Measured best;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    auto result = models::builtin().check(row.model, row.params, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result) {
      std::fprintf(stderr, "%s: %s\n", row.model.c_str(), result.error().c_str());
      std::exit(2);
    }
    if (r == 0 || seconds < best.seconds) best = {std::move(*result), seconds};
    if (seconds > 2) break;
  }
  return best;
}

std::string describe(const Row& row) {
  std::string text = row.model;
  for (const auto& [name, value] : row.params) text += fmt::format(" {}={}", name, value);
  if (row.preemptions >= 0) return text + fmt::format(" ({} K={})", row.strategy, row.preemptions);
  return text + fmt::format(" ({})", row.strategy);
}

std::vector<int> parse_jobs(std::string_view text) {
  std::vector<int> jobs;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const int n = std::atoi(std::string(text.substr(0, comma)).c_str());
    if (n < 1 || n > 256) {
      std::fprintf(stderr, "--jobs takes a list of worker counts in 1..256, e.g. 1,2,16\n");
      std::exit(2);
    }
    jobs.push_back(n);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (std::find(jobs.begin(), jobs.end(), 1) == jobs.end()) jobs.insert(jobs.begin(), 1);
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  bool smoke = false;
  std::vector<int> jobs = {1, 2, 4, 16};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--smoke") {
      smoke = true;
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = parse_jobs(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: parallel_bench [--smoke] [--jobs 1,2,16]\n");
      return 2;
    }
  }
  std::vector<Row> rows;
  if (smoke) {
    rows = {{"counter.locked", {{"threads", 3}, {"iters", 2}}, "dfs"},
            {"queue.blocking", {}, "dfs"},
            {"counter.racy", {{"threads", 3}, {"iters", 1}}, "iterative"},
            {"counter.locked", {{"threads", 3}, {"iters", 2}}, "dpor"}};
    jobs = {1, 2, 3};
  } else {
    rows = {{"counter.atomic", {{"threads", 5}, {"iters", 2}}, "dfs"},
            {"counter.atomic", {{"threads", 6}, {"iters", 2}}, "dfs"},
            {"litmus.readers", {{"n", 8}}, "dfs"},
            {"queue.blocking", {}, "dfs"},
            {"queue.blocking", {{"items", 3}}, "dfs"},
            {"queue.blocking", {{"producers", 2}, {"consumers", 2}, {"items", 1}}, "dfs"},
            {"queue.blocking", {{"consumers", 3}, {"items", 2}}, "bounded", 2},
            {"queue.blocking", {{"items", 3}}, "iterative", 3},
            {"crowd.racy", {{"threads", 10}}, "iterative"},
            {"queue.blocking", {{"items", 3}}, "dpor"},
            {"queue.locked_ring", {{"producers", 3}, {"consumers", 2}, {"items", 2}}, "dpor"},
            {"list.append_locked", {{"threads", 4}, {"iters", 3}}, "dpor"},
            {"litmus.lastzero", {{"n", 15}}, "dpor"},
            {"litmus.readers", {{"n", 16}}, "dpor"}};
  }
  // Runs under two seconds are repeated (best of 3); longer ones run once.
  const int repeats = smoke ? 1 : 3;

  std::string header = "| model (strategy) | executions | cut short |";
  std::string rule = "|---|---:|---:|";
  for (int n : jobs) {
    header += fmt::format(" {} worker{}: exec/s (speed-up, subtrees) |", n, n == 1 ? "" : "s");
    rule += "---:|";
  }
  std::printf("%s\n%s\n", header.c_str(), rule.c_str());
  std::fflush(stdout);
  std::vector<std::string> problems;
  for (const Row& row : rows) {
    const Measured one = measure(row, 1, repeats);
    std::string line = fmt::format("| {} | {} | {} |", describe(row),
                                   interleave::group_thousands(one.result.executions),
                                   interleave::group_thousands(one.result.pruned_executions));
    for (int n : jobs) {
      const Measured m = n == 1 ? one : measure(row, n, repeats);
      const auto& r = m.result;
      // DPOR workers may cut short executions one core does not (dpor.h,
      // "Parallel exploration"): shown beside the rate, not a mismatch.
      const bool dpor = row.strategy == "dpor";
      if (!r.error.empty() || r.executions != one.result.executions ||
          (!dpor && r.pruned_executions != one.result.pruned_executions) ||
          r.failing_executions != one.result.failing_executions ||
          r.exhaustive != one.result.exhaustive) {
        problems.push_back(fmt::format("{} with {} workers: {} executions ({} cut short, {} failing) "
                                       "against {} ({}, {}) on one{}",
                                       describe(row), n, r.executions, r.pruned_executions,
                                       r.failing_executions, one.result.executions,
                                       one.result.pruned_executions,
                                       one.result.failing_executions,
                                       r.error.empty() ? "" : ": " + r.error));
      }
      const double rate = static_cast<double>(r.executions + r.pruned_executions) / m.seconds;
      line += fmt::format(" {} ({:.2f}x, {}{}) |",
                          interleave::group_thousands(static_cast<uint64_t>(rate)),
                          one.seconds / m.seconds, r.subtrees,
                          r.pruned_executions == one.result.pruned_executions
                              ? ""
                              : fmt::format("; {} cut short",
                                            interleave::group_thousands(r.pruned_executions)));
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  for (const std::string& p : problems) std::printf("COUNT MISMATCH: %s\n", p.c_str());
  return problems.empty() ? 0 : 1;
}
