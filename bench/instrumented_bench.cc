// What checking unmodified code costs (docs/instrumented.md): the CPU time
// per execution of an instrumented program (std::thread code compiled with
// -fsanitize=thread, bench/instrumented_bench_programs.cc, run by
// interleave's runtime) against the same program written as a model with
// interleave's API, under the same strategy (DFS, exhaustive).
//
//   bazel run -c opt //bench:instrumented_bench                 # the table
//   bazel run -c opt //bench:instrumented_bench -- --smoke      # one repetition
//   ... -- --repeats N                                          # runs per figure (default 5)
//
// For each counter (a plain int under a mutex; a std::atomic<int>
// fetch_add), three programs:
//  - instrumented: the std::thread program, T0 starting and joining two
//    threads;
//  - model, spawned: the same program with interleave::thread,
//    interleave::mutex / interleave::atomic (T0 starts and joins the two
//    threads; the int under the mutex is a plain int, not a visible
//    operation, as in the instrumented program): the same visible
//    operations, but the model API's starts and joins are branching
//    steps, so DFS explores more executions;
//  - model, built-in: counter.locked / counter.atomic at --threads 2
//    --iters 3, whose threads start before the first step and whose check
//    runs after the last (no starts or joins to order). An instrumented
//    model takes its starts, and joins of finished threads, first without
//    branching, so it explores as many executions as this one.
// The counts are printed, not assumed; the bench exits 1 if a check fails
// or finds a bug, or if the instrumented program and the built-in model
// explore different counts. Time: the process's
// CPU time (CLOCK_PROCESS_CPUTIME_ID) around explore() alone (no probes, no
// progress, no shrinking), best of --repeats runs, the programs in turn.
// Every program runs in this one binary, which links the runtime: its
// operator new and the instrumented copies of inline functions the linker
// kept are there for the models too.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "instrumented/instrumented.h"
#include "models/builtin.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"
#include "scheduler/reports/progress.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/strategies/explorer.h"

namespace {

using interleave::CheckResult;
using interleave::ModelSpec;
using interleave::Params;
using interleave::Registry;
using Values = std::vector<std::pair<std::string, int64_t>>;

constexpr int kThreads = 2;
constexpr int kIters = 3;

// bench_std_mutex_counter as a model: T0 starts kThreads interleave::threads
// that increment a plain int under an interleave::mutex kIters times each.
struct SpawnedMutexCounter {
  static ModelSpec spec() {
    return {"bench.spawned_mutex_counter", "bench_std_mutex_counter as a model", {}};
  }
  explicit SpawnedMutexCounter(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    auto add = [this] {
      for (int i = 0; i < kIters; ++i) {
        interleave::lock_guard guard(lock);
        ++counter;
      }
    };
    std::optional<interleave::thread> threads[kThreads];
    for (auto& t : threads) t.emplace(add);
    for (auto& t : threads) t->join();
    interleave::check(counter == kThreads * kIters, "lost update: counter == {}", counter);
  }
  void invariant() {}

  interleave::mutex lock{"m"};
  int counter = 0;
};

// bench_std_atomic_counter as a model.
struct SpawnedAtomicCounter {
  static ModelSpec spec() {
    return {"bench.spawned_atomic_counter", "bench_std_atomic_counter as a model", {}};
  }
  explicit SpawnedAtomicCounter(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    auto add = [this] {
      for (int i = 0; i < kIters; ++i) counter.fetch_add(1);
    };
    std::optional<interleave::thread> threads[kThreads];
    for (auto& t : threads) t.emplace(add);
    for (auto& t : threads) t->join();
    interleave::check(counter.load() == kThreads * kIters, "lost update: counter == {}",
                      counter.load());
  }
  void invariant() {}

  interleave::atomic<int> counter{"counter", 0};
};

const Registry& spawned_models() {
  static const Registry registry = [] {
    Registry r;
    r.add<SpawnedMutexCounter>();
    r.add<SpawnedAtomicCounter>();
    return r;
  }();
  return registry;
}

std::vector<std::string> failures;

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// One program of a row: where it is registered, its name and parameters.
struct Program {
  const char* kind;
  const Registry* registry;
  std::string name;
  Values params;
};

struct Run {
  uint64_t executions = 0;
  double cpu = 0;        // best over the repetitions, seconds
  double first_cpu = 0;  // the first repetition's, seconds
  bool ok = false;
};

// Explores `program` once with DFS, as repetition `rep`: keeps the best CPU
// time, checks the count against earlier repetitions'. False (with a failure
// recorded) if the run failed.
bool measure_once(const Program& program, int rep, Run& run) {
  run.ok = false;
  auto resolved = program.registry->resolve(program.name, program.params);
  if (!resolved) {
    failures.push_back(fmt::format("{}: {}", program.name, resolved.error()));
    return false;
  }
  interleave::CheckOptions options;
  options.progress = false;
  options.probes = false;
  options.shrink = false;
  std::unique_ptr<interleave::ModelRunner> runner = resolved->model->make_runner(resolved->params);
  interleave::DfsStrategy strategy;
  const double start = cpu_seconds();
  CheckResult result =
      interleave::explore(resolved->model->spec, resolved->params, *runner, strategy, options);
  const double cpu = cpu_seconds() - start;
  if (!result.error.empty() || result.found_bug() || !result.exhaustive) {
    failures.push_back(fmt::format("{}: {}", program.name,
                                   !result.error.empty() ? result.error
                                   : result.found_bug()  ? "reported a bug"
                                                         : "not exhaustive"));
    return false;
  }
  if (rep > 0 && result.executions != run.executions) {
    failures.push_back(fmt::format("{}: repetition {} gave {} executions, the first {}",
                                   program.name, rep + 1, result.executions, run.executions));
    return false;
  }
  run.executions = result.executions;
  run.cpu = rep == 0 ? cpu : std::min(run.cpu, cpu);
  if (rep == 0) run.first_cpu = cpu;
  run.ok = true;
  return true;
}

struct Row {
  const char* counter;
  Program instrumented, spawned, builtin;
};

// The first instrumented check of the process also loads the program's
// line tables (instrumented/symbolize.h): its first repetition, in ms.
double first_instrumented_ms = -1;

void table(int repeats) {
  const Values size = {{"threads", kThreads}, {"iters", kIters}};
  const std::vector<Row> rows = {
      {"int under a mutex",
       {"instrumented", &interleave::instrumented::instrumented_models(),
        "bench_std_mutex_counter", {}},
       {"model, spawned", &spawned_models(), "bench.spawned_mutex_counter", {}},
       {"model, built-in", &models::builtin(), "counter.locked", size}},
      {"atomic fetch_add",
       {"instrumented", &interleave::instrumented::instrumented_models(),
        "bench_std_atomic_counter", {}},
       {"model, spawned", &spawned_models(), "bench.spawned_atomic_counter", {}},
       {"model, built-in", &models::builtin(), "counter.atomic", size}},
  };
  std::printf("| counter (%d threads x %d) | program | DFS executions | executions/s | "
              "us/execution | instrumented / this, per execution | time to verdict, "
              "instrumented / this |\n",
              kThreads, kIters);
  std::printf("|---|---|--:|--:|--:|--:|--:|\n");
  for (const Row& row : rows) {
    Run runs[3];
    const Program* programs[3] = {&row.instrumented, &row.spawned, &row.builtin};
    bool ok = true;
    for (int rep = 0; rep < repeats && ok; ++rep) {
      for (int i = 0; i < 3 && ok; ++i) ok = measure_once(*programs[i], rep, runs[i]);
    }
    if (!ok) {
      std::printf("| %s | FAILED | | | | | |\n", row.counter);
      continue;
    }
    if (first_instrumented_ms < 0) first_instrumented_ms = runs[0].first_cpu * 1e3;
    if (runs[0].executions != runs[2].executions) {
      failures.push_back(fmt::format("{}: the instrumented program explored {} executions, the "
                                     "built-in model {}",
                                     row.counter, runs[0].executions, runs[2].executions));
    }
    const double instrumented_us = runs[0].cpu * 1e6 / static_cast<double>(runs[0].executions);
    for (int i = 0; i < 3; ++i) {
      const double us = runs[i].cpu * 1e6 / static_cast<double>(runs[i].executions);
      std::printf("| %s | %s | %s | %s | %.2f | %s | %s |\n", row.counter, programs[i]->kind,
                  interleave::group_thousands(runs[i].executions).c_str(),
                  interleave::group_thousands(static_cast<uint64_t>(1e6 / us)).c_str(), us,
                  i == 0 ? "1" : fmt::format("{:.1f}x", instrumented_us / us).c_str(),
                  i == 0 ? "1" : fmt::format("{:.1f}x", runs[0].cpu / runs[i].cpu).c_str());
    }
    std::fflush(stdout);
  }
  std::printf("\nDFS, exhaustive; CPU time of the process around explore(), best of %d runs.\n",
              repeats);
  std::printf("Once per process: the first instrumented check (the first row's first run, which "
              "also loads the line tables for source locations) took %.1f ms.\n\n",
              first_instrumented_ms);
}

int usage() {
  std::fprintf(stderr, "usage: instrumented_bench [--smoke] [--repeats N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--smoke") {
      repeats = 1;
    } else if (arg == "--repeats" && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
      if (repeats < 1) return usage();
    } else {
      return usage();
    }
  }
  table(repeats);
  if (failures.empty()) {
    std::printf("every check passed.\n");
    return 0;
  }
  std::printf("%zu check%s FAILED:\n", failures.size(), failures.size() == 1 ? "" : "s");
  for (const std::string& f : failures) std::printf("  %s\n", f.c_str());
  return 1;
}
