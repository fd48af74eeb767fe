// DPOR's cost per execution against DFS's, and DPOR's peak memory on a wide
// model (issue 14, "Cost per execution").
//
//   bazel run -c opt //bench:dpor_cost_bench                 # both tables, about a minute
//   bazel run -c opt //bench:dpor_cost_bench -- --speed      # the speed table only
//   bazel run -c opt //bench:dpor_cost_bench -- --memory     # the memory table only
//   bazel run -c opt //bench:dpor_cost_bench -- --smoke      # tiny sizes, for the CI test
//   ... -- --repeats N                                       # runs per figure (default 5)
//   ... -- --only TEXT            # only the speed rows whose model and parameters contain TEXT
//
// Speed: models where DPOR explores exactly DFS's executions (every step, or
// every critical section, conflicts with every other: the locked models and
// counter.atomic), so that the two strategies run the same executions and
// their CPU time per execution compares the strategies' own cost. Each
// strategy drives explore() directly (no probes, no progress line, one
// core); time is the process's CPU time (CLOCK_PROCESS_CPUTIME_ID) around
// it, the best of --repeats runs, DFS and DPOR run in turn. Exits 1 if DPOR's and DFS's counts differ,
// or either reports an error or a bug (every model here is correct).
//
// Memory: litmus.readers(n) under DPOR (2^n executions) for n = 13..20,
// without a plan limit and, for n = 18..20, with a limit of 65,536 planned
// steps; lastzero(15) without and with limits. Each row runs in a child
// process of its own (this binary run again with --memory-child MODEL N
// LIMIT), whose peak resident set (wait4's ru_maxrss) is reported, with the
// wakeup trees' peak (DporStrategy::peak_planned_steps()), the executions
// cut short and the races planned by the bounded rule. readers(1) gives the
// process's fixed cost. Exits 1 if a count is not the published one, or a
// bounded search held more than its limit and 4,096 (past the limit a state
// gains at most one single-step plan per thread: DporStrategy::set_plan_limit()).
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/builtin.h"
#include "scheduler/api/registry.h"
#include "scheduler/reports/progress.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/explorer.h"

namespace {

using Values = std::vector<std::pair<std::string, int64_t>>;

std::vector<std::string> failures;

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string describe(const std::string& model, const Values& params) {
  std::string out = model;
  for (const auto& [name, value] : params) out += fmt::format(" {}={}", name, value);
  return out;
}

struct Run {
  uint64_t executions = 0;
  uint64_t pruned = 0;
  double cpu = 0;  // best over the repetitions, seconds
  bool ok = false;
};

// Explores `model` once more with a fresh strategy made by `make`, as
// repetition `rep` (0-based) of `run`: keeps the best CPU time, checks the
// counts against the earlier repetitions'. False (with a failure recorded)
// if the run failed.
template <typename MakeStrategy>
bool measure_once(const std::string& model, const Values& params, MakeStrategy make, int rep,
                  Run& run) {
  run.ok = false;
  auto resolved = models::builtin().resolve(model, params);
  if (!resolved) {
    failures.push_back(fmt::format("{}: {}", model, resolved.error()));
    return false;
  }
  interleave::CheckOptions options;
  options.progress = false;
  options.probes = false;
  options.shrink = false;
  std::unique_ptr<interleave::ModelRunner> runner = resolved->model->make_runner(resolved->params);
  auto strategy = make();
  const double start = cpu_seconds();
  interleave::CheckResult result =
      interleave::explore(resolved->model->spec, resolved->params, *runner, *strategy, options);
  const double cpu = cpu_seconds() - start;
  const std::string name = describe(model, params) + " " + std::string(strategy->name());
  if (!result.error.empty() || result.found_bug() || !result.exhaustive) {
    failures.push_back(fmt::format("{}: {}", name,
                                   !result.error.empty() ? result.error
                                   : result.found_bug()  ? "reported a bug"
                                                         : "not exhaustive"));
    return false;
  }
  if (rep > 0 && (result.executions != run.executions || result.pruned_executions != run.pruned)) {
    failures.push_back(fmt::format("{}: repetition {} gave {} executions, the first {}", name,
                                   rep + 1, result.executions, run.executions));
    return false;
  }
  run.executions = result.executions;
  run.pruned = result.pruned_executions;
  run.cpu = rep == 0 ? cpu : std::min(run.cpu, cpu);
  run.ok = true;
  return true;
}

struct SpeedRow {
  std::string model;
  Values params;
};

std::vector<SpeedRow> speed_rows(bool smoke) {
  if (smoke) {
    return {{"counter.locked", {{"threads", 2}, {"iters", 2}}},
            {"queue.blocking", {}},
            {"counter.atomic", {{"threads", 2}, {"iters", 2}}}};
  }
  return {
      {"counter.locked", {{"threads", 3}, {"iters", 4}}},
      {"list.append_locked", {{"threads", 3}, {"iters", 4}}},
      {"list.append_locked", {{"threads", 4}, {"iters", 3}}},
      {"list.check_then_pop_locked", {{"threads", 8}}},
      {"list.index_increment_locked", {{"threads", 3}, {"iters", 4}}},
      {"list.linked_push_locked", {{"threads", 3}, {"iters", 4}}},
      {"queue.blocking", {}},
      {"queue.blocking", {{"items", 3}}},
      {"queue.locked_ring", {{"producers", 3}, {"consumers", 2}, {"items", 2}}},
      {"counter.atomic", {{"threads", 3}, {"iters", 4}}},
  };
}

void speed_table(bool smoke, int repeats, const std::string& only) {
  std::printf("| model | executions | DFS executions/s | DPOR executions/s | DFS ns/execution "
              "| DPOR ns/execution | DPOR/DFS |\n");
  std::printf("|---|--:|--:|--:|--:|--:|--:|\n");
  for (const SpeedRow& row : speed_rows(smoke)) {
    if (describe(row.model, row.params).find(only) == std::string::npos) continue;
    // DFS and DPOR in turn, so that both see the same spells of load.
    Run dfs, dpor;
    for (int rep = 0; rep < repeats; ++rep) {
      if (!measure_once(row.model, row.params,
                        [] { return std::make_unique<interleave::DfsStrategy>(); }, rep, dfs) ||
          !measure_once(row.model, row.params,
                        [] { return std::make_unique<interleave::DporStrategy>(); }, rep, dpor)) {
        break;
      }
    }
    const std::string name = describe(row.model, row.params);
    if (!dfs.ok || !dpor.ok) {
      std::printf("| %s | FAILED | | | | | |\n", name.c_str());
      continue;
    }
    if (dfs.executions != dpor.executions || dpor.pruned != dfs.pruned) {
      failures.push_back(fmt::format("{}: DFS explored {} executions ({} cut short), DPOR {} ({}); "
                                     "this table compares models where they are equal",
                                     name, dfs.executions, dfs.pruned, dpor.executions,
                                     dpor.pruned));
    }
    const double dfs_ns = dfs.cpu * 1e9 / static_cast<double>(dfs.executions + dfs.pruned);
    const double dpor_ns = dpor.cpu * 1e9 / static_cast<double>(dpor.executions + dpor.pruned);
    std::printf("| %s | %s | %s | %s | %.0f | %.0f | %.2fx |\n", name.c_str(),
                interleave::group_thousands(dpor.executions).c_str(),
                interleave::group_thousands(static_cast<uint64_t>(1e9 / dfs_ns)).c_str(),
                interleave::group_thousands(static_cast<uint64_t>(1e9 / dpor_ns)).c_str(), dfs_ns,
                dpor_ns, dpor_ns / dfs_ns);
    std::fflush(stdout);
  }
  std::printf("\nCPU time of the process, best of %d runs; explore() with the strategy alone "
              "(no probes). Executions include any cut short.\n\n",
              repeats);
}

// One row of the memory table: a model, its size, DPOR's plan limit (0:
// none), and the executions it must explore.
struct MemoryRow {
  const char* model;
  int n;
  uint64_t plan_limit;
  uint64_t executions;
};

// In a child process: `model` with n = `n` under DPOR with `plan_limit`;
// prints "executions cut_short peak_planned bounded cpu".
int memory_child(const char* model, int n, uint64_t plan_limit) {
  auto resolved = models::builtin().resolve(model, {{"n", n}});
  if (!resolved) return 2;
  interleave::CheckOptions options;
  options.progress = false;
  options.probes = false;
  options.shrink = false;
  std::unique_ptr<interleave::ModelRunner> runner = resolved->model->make_runner(resolved->params);
  interleave::DporStrategy strategy;
  strategy.set_plan_limit(plan_limit);
  const double start = cpu_seconds();
  interleave::CheckResult result =
      interleave::explore(resolved->model->spec, resolved->params, *runner, strategy, options);
  const double cpu = cpu_seconds() - start;
  if (!result.error.empty() || result.found_bug() || !result.exhaustive) return 1;
  std::printf("%llu %llu %zu %llu %.6f\n", static_cast<unsigned long long>(result.executions),
              static_cast<unsigned long long>(result.pruned_executions),
              strategy.peak_planned_steps(),
              static_cast<unsigned long long>(strategy.bounded_plans()), cpu);
  return 0;
}

void memory_table(bool smoke) {
  std::printf("| model | plan limit | DPOR executions | cut short | peak RSS | wakeup-tree peak "
              "(planned steps) | races bounded | CPU time |\n");
  std::printf("|--|--:|--:|--:|--:|--:|--:|--:|\n");
  std::vector<MemoryRow> rows;
  if (smoke) {
    rows = {{"litmus.readers", 1, 0, 2}, {"litmus.readers", 6, 0, 64},
            {"litmus.readers", 6, 8, 64}, {"litmus.lastzero", 6, 20, 144}};
  } else {
    rows.push_back({"litmus.readers", 1, 0, 2});  // the process's fixed cost
    for (int n = 13; n <= 20; ++n) rows.push_back({"litmus.readers", n, 0, uint64_t{1} << n});
    for (int n = 18; n <= 20; ++n) rows.push_back({"litmus.readers", n, 65'536, uint64_t{1} << n});
    for (uint64_t limit : {uint64_t{0}, uint64_t{65'536}, uint64_t{16'384}}) {
      rows.push_back({"litmus.lastzero", 15, limit, 147'456});
    }
  }
  for (const MemoryRow& row : rows) {
    int out[2];
    if (pipe(out) != 0) {
      failures.push_back("pipe failed");
      return;
    }
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      const std::string n = std::to_string(row.n);
      const std::string limit = std::to_string(row.plan_limit);
      execl("/proc/self/exe", "dpor_cost_bench", "--memory-child", row.model, n.c_str(),
            limit.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string text;
    char buffer[256];
    for (ssize_t got; (got = read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, got);
    close(out[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    unsigned long long executions = 0, cut_short = 0, bounded = 0;
    size_t planned = 0;
    double cpu = 0;
    const std::string name = fmt::format("{}({})", row.model, row.n);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        std::sscanf(text.c_str(), "%llu %llu %zu %llu %lf", &executions, &cut_short, &planned,
                    &bounded, &cpu) != 5) {
      failures.push_back(fmt::format("{}: the child process failed", name));
      continue;
    }
    if (executions != row.executions) {
      failures.push_back(fmt::format("{} with plan limit {}: {} executions, published {}", name,
                                     row.plan_limit, executions, row.executions));
    }
    // Past the limit a state gains at most one single-step plan per thread.
    if (row.plan_limit != 0 && planned > row.plan_limit + 4'096) {
      failures.push_back(fmt::format("{}: {} planned steps at once, over the limit of {}", name,
                                     planned, row.plan_limit));
    }
    std::printf("| %s | %s | %s | %s | %.1f MiB | %s | %s | %.2f s |\n", name.c_str(),
                row.plan_limit == 0 ? "none" : interleave::group_thousands(row.plan_limit).c_str(),
                interleave::group_thousands(executions).c_str(),
                interleave::group_thousands(cut_short).c_str(),
                static_cast<double>(usage.ru_maxrss) / 1024.0,
                interleave::group_thousands(planned).c_str(),
                interleave::group_thousands(bounded).c_str(), cpu);
    std::fflush(stdout);
  }
  std::printf("\nEach row in a fresh process (peak RSS: wait4's ru_maxrss); readers(1) is the "
              "process's fixed cost. A plan limit of N: past N planned steps a race plans its "
              "first step alone (`--dpor-plan-limit`).\n\n");
}

int usage() {
  std::fprintf(stderr, "usage: dpor_cost_bench [--speed | --memory] [--smoke] [--repeats N] [--only TEXT]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool speed = true, memory = true, smoke = false;
  int repeats = 5;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--memory-child" && i + 3 < argc) {
      return memory_child(argv[i + 1], std::atoi(argv[i + 2]),
                          std::strtoull(argv[i + 3], nullptr, 10));
    } else if (arg == "--speed") {
      memory = false;
    } else if (arg == "--memory") {
      speed = false;
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--smoke") {
      smoke = true;
    } else if (arg == "--repeats" && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
      if (repeats < 1) return usage();
    } else {
      return usage();
    }
  }
  if (!speed && !memory) return usage();
  if (speed) speed_table(smoke, smoke ? 1 : repeats, only);
  if (memory) memory_table(smoke);
  if (failures.empty()) {
    std::printf("every check passed.\n");
    return 0;
  }
  std::printf("%zu check%s FAILED:\n", failures.size(), failures.size() == 1 ? "" : "s");
  for (const std::string& f : failures) std::printf("  %s\n", f.c_str());
  return 1;
}
