// Scheduler benchmarks, printed as plain tables:
//   1. the raw cost of a Boost.Context fiber switch (ping-pong main <-> fiber);
//   2. DFS exploration rate on the counter models (executions/s, steps/s), both
//      through check_model<M>() and through a reused Execution (engine only);
//   3. resident memory over millions of executions of repeated checks;
//   4. the cost of data-race detection per step: the engine with it on and
//      off, in alternating rounds (paired, so load on the machine hits both).
//
//   bazel run -c opt //bench:scheduler_bench              # full run, ~12-20 s
//   bazel run -c opt //bench:scheduler_bench -- --quick   # a fraction of that
//
// Timings use std::chrono::steady_clock. Every check's result is verified
// (execution count, no failure, exhaustive) so a broken scheduler cannot look
// fast. Heap allocations are counted by replacing the global operator new.
// The three parts are noinline so a profiler can single one out, e.g.
//   valgrind --tool=callgrind --toggle-collect='*bench_memory*' scheduler_bench --quick
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>

#include "models/counter.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"

// ---------------------------------------------------------------------------
// Allocation counting: every global operator new in this process is counted.

namespace {
// Only the main thread allocates while measuring; a relaxed load + store
// (no locked read-modify-write) keeps counting off the measured figures.
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.store(g_allocations.load(std::memory_order_relaxed) + 1,
                      std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;
namespace ctx = boost::context;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// 1234567 -> "1,234,567".
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  int lead = static_cast<int>(digits.size()) % 3;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (static_cast<int>(i) - lead) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string grouped_d(double x) { return grouped(static_cast<uint64_t>(x + 0.5)); }

struct Settings {
  bool quick = false;
  // Part 1: total time of the ping-pong measurement.
  double switch_seconds = 1.0;
  // Part 2: each row runs until both minimums are reached (or max_seconds).
  double min_seconds = 1.5;
  uint64_t min_executions = 1'000'000;
  double max_seconds = 10.0;
  // Checks run between two reads of the clock.
  int checks_per_clock_read = 16;
  // Part 3: cumulative executions at which memory is sampled.
  std::vector<uint64_t> rss_checkpoints = {10'000, 100'000, 1'000'000, 3'000'000};
};

// Whether this is a sanitizer build: figures are meaningless there, and
// --quick shrinks further so the smoke test stays cheap under --config=tsan/asan.
// (Neither Boost.Context 1.74 nor the scheduler tells ThreadSanitizer about
// fiber switches, so under TSan its shadow call stack, and memory, grow with
// every switch: long runs abort. Keep sanitized runs short.)
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
constexpr bool kSanitized = __has_feature(thread_sanitizer) || __has_feature(address_sanitizer);
#else
constexpr bool kSanitized = false;
#endif

// ---------------------------------------------------------------------------
// 1. Raw Boost.Context fiber switch.

// Runs `round_trips` main -> fiber -> main round trips; returns seconds.
double ping_pong(uint64_t round_trips) {
  bool stop = false;
  ctx::fiber fiber(std::allocator_arg, ctx::fixedsize_stack(64 * 1024),
                   [&stop](ctx::fiber&& main) {
                     while (!stop) main = std::move(main).resume();
                     return std::move(main);
                   });
  fiber = std::move(fiber).resume();  // start it: runs up to its first resume
  auto start = Clock::now();
  for (uint64_t i = 0; i < round_trips; ++i) fiber = std::move(fiber).resume();
  double elapsed = seconds_since(start);
  stop = true;
  fiber = std::move(fiber).resume();  // lets the fiber return; `fiber` is now empty
  return elapsed;
}

[[gnu::noinline]] void bench_fiber_switch(const Settings& s) {
  std::printf("== 1. Boost.Context fiber switch (ping-pong main <-> one fiber) ==\n");
  const uint64_t batch = kSanitized && s.quick ? 10'000 : 1'000'000;
  ping_pong(batch / 10);  // warm up
  std::vector<double> ns_per_switch;
  uint64_t total_round_trips = 0;
  double total_seconds = 0;
  while (total_seconds < s.switch_seconds || ns_per_switch.size() < 3) {
    double t = ping_pong(batch);
    total_round_trips += batch;
    total_seconds += t;
    ns_per_switch.push_back(t * 1e9 / (2.0 * batch));
  }
  std::sort(ns_per_switch.begin(), ns_per_switch.end());
  double mean = total_seconds * 1e9 / (2.0 * static_cast<double>(total_round_trips));
  std::printf("%-14s %-16s %-10s %-12s %-12s %-12s\n", "round trips", "one-way switches",
              "seconds", "ns/switch", "best batch", "median batch");
  std::printf("%-14s %-16s %-10.3f %-12.2f %-12.2f %-12.2f\n", grouped(total_round_trips).c_str(),
              grouped(2 * total_round_trips).c_str(), total_seconds, mean, ns_per_switch.front(),
              ns_per_switch[ns_per_switch.size() / 2]);
  std::printf("(a round trip is two one-way switches; batches of %s round trips)\n\n",
              grouped(batch).c_str());
}

// ---------------------------------------------------------------------------
// 2. DFS exploration rate.

template <class M>
interleave::Params params_for(int threads, int iters) {
  auto p = interleave::Params::make(M::spec().name, M::spec().params,
                                    {{"threads", threads}, {"iters", iters}});
  if (!p) {
    std::fprintf(stderr, "bad parameters: %s\n", p.error().c_str());
    std::exit(2);
  }
  return *p;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "scheduler_bench: %s\n", what.c_str());
  std::exit(1);
}

void verify(const interleave::CheckResult& r, const char* model, uint64_t expected_executions,
            uint64_t expected_steps) {
  if (r.found_bug()) {
    die(std::string(model) + ": unexpected failure: " + r.first_failure->failure.message);
  }
  if (!r.error.empty()) die(std::string(model) + ": strategy error: " + r.error);
  if (!r.exhaustive) die(std::string(model) + ": not exhaustive");
  if (r.executions != expected_executions) {
    die(std::string(model) + ": " + std::to_string(r.executions) + " executions, expected " +
        std::to_string(expected_executions));
  }
  if (r.total_steps != expected_steps) {
    die(std::string(model) + ": " + std::to_string(r.total_steps) + " steps, expected " +
        std::to_string(expected_steps));
  }
}

struct RateRow {
  std::string model;
  std::string shape;  // "2x2" = threads x iters
  uint64_t executions_per_check = 0;
  uint64_t checks = 0;
  uint64_t executions = 0;
  uint64_t steps = 0;
  uint64_t allocations = 0;
  double seconds = 0;
};

bool keep_going(const Settings& s, double elapsed, uint64_t executions) {
  if (elapsed >= s.max_seconds) return false;
  return elapsed < s.min_seconds || executions < s.min_executions;
}

// Repeats check_model<M>() (the public API: per check it builds the model
// adapter, an Execution and a DfsStrategy) until the time/execution minimums.
template <class M>
RateRow rate_check_model(const Settings& s, const char* name, int threads, int iters,
                         uint64_t expected_executions, uint64_t steps_per_execution) {
  interleave::Params params = params_for<M>(threads, iters);
  interleave::CheckOptions options;
  options.strategy = "dfs";  // this section measures DFS
  verify(interleave::check_model<M>(params, options), name, expected_executions,
         expected_executions * steps_per_execution);  // warm up (stacks, caches)
  RateRow row{name, std::to_string(threads) + "x" + std::to_string(iters), expected_executions};
  uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  auto start = Clock::now();
  double elapsed = 0;
  do {
    // Check the clock every few checks only; a check can take well under 1 us.
    for (int k = 0; k < s.checks_per_clock_read; ++k) {
      interleave::CheckResult r = interleave::check_model<M>(params, options);
      if (r.executions != expected_executions || r.found_bug()) {
        verify(r, name, expected_executions, expected_executions * steps_per_execution);
      }
      ++row.checks;
      row.executions += r.executions;
      row.steps += r.total_steps;
    }
    elapsed = seconds_since(start);
  } while (keep_going(s, elapsed, row.executions));
  row.seconds = elapsed;
  row.allocations = g_allocations.load(std::memory_order_relaxed) - allocations_before;
  if (row.steps != row.executions * steps_per_execution) die(std::string(name) + ": step count");
  return row;
}

// The engine alone: one Execution and one ModelAdapter reused for every
// execution; only the DfsStrategy is fresh per round (a finished DFS cannot
// restart). This is check_model() minus its per-check setup.
template <class M>
RateRow rate_engine(const Settings& s, const char* name, int threads, int iters,
                    uint64_t expected_executions, uint64_t steps_per_execution) {
  interleave::Params params = params_for<M>(threads, iters);
  interleave::ModelAdapter<M> model(params);
  interleave::Execution execution;
  RateRow row{name, std::to_string(threads) + "x" + std::to_string(iters), expected_executions};
  auto one_round = [&] {
    interleave::DfsStrategy dfs;
    uint64_t executions = 0;
    while (dfs.begin_execution()) {
      interleave::Outcome outcome = execution.run(model, dfs);
      if (outcome != interleave::Outcome::kPassed) {
        die(std::string(name) + ": execution did not pass");
      }
      ++executions;
      row.steps += execution.steps();
    }
    if (executions != expected_executions || !dfs.exhaustive()) {
      die(std::string(name) + ": engine round gave " + std::to_string(executions) + " executions");
    }
    row.executions += executions;
    ++row.checks;
  };
  one_round();  // warm up
  row = RateRow{name, row.shape, expected_executions};
  uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  auto start = Clock::now();
  double elapsed = 0;
  do {
    for (int k = 0; k < s.checks_per_clock_read; ++k) one_round();
    elapsed = seconds_since(start);
  } while (keep_going(s, elapsed, row.executions));
  row.seconds = elapsed;
  row.allocations = g_allocations.load(std::memory_order_relaxed) - allocations_before;
  if (row.steps != row.executions * steps_per_execution) die(std::string(name) + ": step count");
  return row;
}

// CPU seconds of this thread (steadier than wall time on a loaded machine).
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// One exhaustive DFS round of `model` on `execution`; returns its steps.
template <class M>
uint64_t dfs_round(interleave::ModelAdapter<M>& model, interleave::Execution& execution,
                   const char* name, uint64_t expected_executions) {
  interleave::DfsStrategy dfs;
  uint64_t executions = 0, steps = 0;
  while (dfs.begin_execution()) {
    if (execution.run(model, dfs) != interleave::Outcome::kPassed) {
      die(std::string(name) + ": execution did not pass");
    }
    ++executions;
    steps += execution.steps();
  }
  if (executions != expected_executions) die(std::string(name) + ": execution count");
  return steps;
}

// Part 4: CPU ns per step with race detection on and off, rounds alternating.
template <class M>
void race_cost_row(const Settings& s, const char* name, int threads, int iters,
                   uint64_t expected_executions) {
  interleave::Params params = params_for<M>(threads, iters);
  interleave::ModelAdapter<M> model(params);
  interleave::ExecutionLimits off_limits;
  off_limits.detect_races = false;
  interleave::Execution on(interleave::ExecutionLimits{}), off(off_limits);
  dfs_round(model, on, name, expected_executions);  // warm up both
  dfs_round(model, off, name, expected_executions);
  double on_seconds = 0, off_seconds = 0;
  uint64_t on_steps = 0, off_steps = 0, executions = 0;
  const double wall_start = thread_cpu_seconds();
  do {
    for (int k = 0; k < s.checks_per_clock_read; ++k) {
      double t0 = thread_cpu_seconds();
      on_steps += dfs_round(model, on, name, expected_executions);
      double t1 = thread_cpu_seconds();
      off_steps += dfs_round(model, off, name, expected_executions);
      double t2 = thread_cpu_seconds();
      on_seconds += t1 - t0;
      off_seconds += t2 - t1;
      executions += expected_executions;
    }
  } while (keep_going(s, thread_cpu_seconds() - wall_start, executions));
  const double on_ns = on_seconds * 1e9 / static_cast<double>(on_steps);
  const double off_ns = off_seconds * 1e9 / static_cast<double>(off_steps);
  std::printf("%-15s %-5s %-13s %-14.2f %-14.2f %+.1f %%\n", name,
              (std::to_string(threads) + "x" + std::to_string(iters)).c_str(),
              grouped(on_steps).c_str(), off_ns, on_ns, (on_ns / off_ns - 1) * 100);
}

[[gnu::noinline]] void bench_race_cost(const Settings& s) {
  using models::CounterAtomic;
  using models::CounterLocked;
  std::printf("== 4. Data-race detection cost (engine, DFS; CPU time, rounds alternating) ==\n");
  std::printf("%-15s %-5s %-13s %-14s %-14s %s\n", "model", "TxI", "steps (each)",
              "ns/step off", "ns/step on", "cost");
  race_cost_row<CounterLocked>(s, "counter.locked", 2, 2, 6);
  race_cost_row<CounterLocked>(s, "counter.locked", 3, 2, 90);
  race_cost_row<CounterAtomic>(s, "counter.atomic", 2, 2, 6);
  std::printf("(target: under 20 %% on counter.locked)\n\n");
}

void print_rate_header() {
  std::printf("%-15s %-5s %-7s %-11s %-13s %-8s %-14s %-14s %-9s %-8s %-11s\n", "model", "TxI",
              "execs/", "checks", "executions", "seconds", "executions/s", "steps/s", "ns/exec",
              "ns/step", "allocs/exec");
  std::printf("%-15s %-5s %-7s\n", "", "", "check");
}

void print_rate_row(const RateRow& r) {
  double execs_per_s = static_cast<double>(r.executions) / r.seconds;
  double steps_per_s = static_cast<double>(r.steps) / r.seconds;
  std::printf("%-15s %-5s %-7s %-11s %-13s %-8.3f %-14s %-14s %-9.1f %-8.1f %-11.2f\n",
              r.model.c_str(), r.shape.c_str(), grouped(r.executions_per_check).c_str(),
              grouped(r.checks).c_str(), grouped(r.executions).c_str(), r.seconds,
              grouped_d(execs_per_s).c_str(), grouped_d(steps_per_s).c_str(),
              r.seconds * 1e9 / static_cast<double>(r.executions),
              r.seconds * 1e9 / static_cast<double>(r.steps),
              static_cast<double>(r.allocations) / static_cast<double>(r.executions));
}

[[gnu::noinline]] void bench_dfs(const Settings& s) {
  using models::CounterAtomic;
  using models::CounterLocked;
  std::printf("== 2. DFS exploration rate ==\n");
  std::printf("Each row repeats an exhaustive check until >= %.2f s and >= %s executions have run"
              " (cap %.0f s).\n",
              s.min_seconds, grouped(s.min_executions).c_str(), s.max_seconds);
  std::printf("steps = CheckResult::total_steps (visible operations).\n\n");

  std::printf("-- 2a. interleave::check_model<M>(params, options), repeated --\n");
  print_rate_header();
  // Steps per execution: counter.locked does lock, load, store, unlock per
  // increment (4 x threads x iters); counter.atomic one fetch_add per increment.
  RateRow locked22 = rate_check_model<CounterLocked>(s, "counter.locked", 2, 2, 6, 16);
  print_rate_row(locked22);
  print_rate_row(rate_check_model<CounterLocked>(s, "counter.locked", 3, 2, 90, 24));
  print_rate_row(rate_check_model<CounterAtomic>(s, "counter.atomic", 2, 2, 6, 4));

  std::printf("\n-- 2b. engine only: one Execution reused, fresh DfsStrategy per round --\n");
  print_rate_header();
  RateRow engine22 = rate_engine<CounterLocked>(s, "counter.locked", 2, 2, 6, 16);
  print_rate_row(engine22);
  print_rate_row(rate_engine<CounterLocked>(s, "counter.locked", 3, 2, 90, 24));
  print_rate_row(rate_engine<CounterAtomic>(s, "counter.atomic", 2, 2, 6, 4));

  double rate = static_cast<double>(locked22.executions) / locked22.seconds;
  double per_check_ns =
      (locked22.seconds / static_cast<double>(locked22.checks) -
       engine22.seconds / static_cast<double>(engine22.checks)) * 1e9;
  std::printf("\ncheck_model() setup overhead (2a minus 2b, counter.locked 2x2): %.0f ns per check"
              " (%.2f allocations)\n",
              per_check_ns,
              static_cast<double>(locked22.allocations) / static_cast<double>(locked22.checks) -
                  static_cast<double>(engine22.allocations) / static_cast<double>(engine22.checks));
  std::printf("target: >= 1,000,000 executions/s on counter.locked 2x2 (check_model): %s"
              " (%s executions/s)\n\n",
              rate >= 1e6 ? "MET" : "NOT MET", grouped_d(rate).c_str());
}

// ---------------------------------------------------------------------------
// 3. Memory over repeated checks.

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); -1 if unavailable.
long proc_status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
      return std::strtol(line.c_str() + n + 1, nullptr, 10);
    }
  }
  return -1;
}

// The first line of `path` starting with `prefix`, minus any "key:" part.
std::string first_line_with(const char* path, const char* prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    if (*prefix != '\0') {
      size_t colon = line.find(':');
      size_t start = colon == std::string::npos ? 0 : line.find_first_not_of(" \t", colon + 1);
      line = start == std::string::npos ? "" : line.substr(start);
    }
    return line;
  }
  return "?";
}

// "0.52 0.40 0.31": the 1, 5 and 15 minute load averages.
std::string load_average() {
  std::string line = first_line_with("/proc/loadavg", "");
  size_t end = 0;
  for (int field = 0; field < 3 && end != std::string::npos; ++field) {
    end = line.find(' ', end + (field == 0 ? 0 : 1));
  }
  return line.substr(0, end);
}

long maxrss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

void print_memory_row(uint64_t executions, uint64_t allocations) {
  struct mallinfo2 heap = mallinfo2();
  std::printf("%-13s %-15ld %-11ld %-11ld %-15s %-13s\n", grouped(executions).c_str(), maxrss_kib(),
              proc_status_kib("VmRSS"), proc_status_kib("VmHWM"),
              grouped(heap.uordblks).c_str(), grouped(allocations).c_str());
}

[[gnu::noinline]] void bench_memory(const Settings& s) {
  using models::CounterLocked;
  std::printf("== 3. Memory over repeated checks of counter.locked 2x2 ==\n");
  std::printf("%-13s %-15s %-11s %-11s %-15s %-13s\n", "executions", "ru_maxrss KiB",
              "VmRSS KiB", "VmHWM KiB", "heap in use B", "allocs since 0");
  interleave::Params params = params_for<CounterLocked>(2, 2);
  uint64_t executions = 0;
  uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  std::vector<long> vmrss;
  print_memory_row(0, 0);
  vmrss.push_back(proc_status_kib("VmRSS"));
  for (uint64_t checkpoint : s.rss_checkpoints) {
    while (executions < checkpoint) {
      interleave::CheckResult r = interleave::check_model<CounterLocked>(params);
      if (r.executions != 6 || r.found_bug()) verify(r, "counter.locked", 6, 96);
      executions += r.executions;
    }
    print_memory_row(executions,
                     g_allocations.load(std::memory_order_relaxed) - allocations_before);
    vmrss.push_back(proc_status_kib("VmRSS"));
  }
  long growth = vmrss.back() - vmrss[1];
  std::printf("VmRSS change from %s to %s executions: %+ld KiB\n",
              grouped(s.rss_checkpoints.front()).c_str(), grouped(executions).c_str(), growth);
  std::printf("(ru_maxrss survives execve, so under `bazel run` it can show the launcher's peak;\n"
              " VmHWM is this program's own peak, VmRSS its current resident set.)\n\n");
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--quick") {
      s.quick = true;
    } else if (arg == "-h" || arg == "--help") {
      std::printf("usage: scheduler_bench [--quick]\n");
      return 0;
    } else {
      std::fprintf(stderr, "scheduler_bench: unknown argument '%s' (usage: [--quick])\n", argv[i]);
      return 2;
    }
  }
  if (s.quick) {
    s.switch_seconds = 0.05;
    s.min_seconds = 0.05;
    s.min_executions = 20'000;
    s.max_seconds = 2.0;
    s.rss_checkpoints = {1'000, 10'000, 100'000};
    if (kSanitized) {
      // Sanitizer builds (the smoke test under --config=tsan/asan): just enough
      // to exercise every part (see kSanitized).
      s.switch_seconds = 0;
      s.min_seconds = 0;
      s.min_executions = 100;
      s.checks_per_clock_read = 1;
      s.rss_checkpoints = {100, 500};
    }
  }

  std::printf("interleave scheduler benchmark%s\n", s.quick ? " (--quick: short runs)" : "");
#if defined(__OPTIMIZE__) && defined(NDEBUG)
  std::printf("build: optimized (-c opt)\n");
#else
  std::printf("build: NOT optimized; figures are meaningless. Use: bazel run -c opt "
              "//bench:scheduler_bench\n");
#endif
  if (kSanitized) std::printf("build: sanitizer; timings and memory figures are meaningless\n");
  std::printf("cpu: %s, load average: %s\n\n",
              first_line_with("/proc/cpuinfo", "model name").c_str(), load_average().c_str());
  std::fflush(stdout);

  bench_fiber_switch(s);
  std::fflush(stdout);
  bench_dfs(s);
  std::fflush(stdout);
  bench_memory(s);
  std::fflush(stdout);
  bench_race_cost(s);
  std::printf("done\n");
  return 0;
}
