// Our exhaustive DFS against Relacy's full search, side by side, on the same
// models and parameters: executions to exhaust the model, wall time to
// exhaust it, executions per second, and the ratios.
//
//   bazel run -c opt //bench:relacy_bench              # ~10-20 s
//   bazel run -c opt //bench:relacy_bench -- --quick   # each run once (smoke test)
//
// Each checker exhausts the model again and again until at least `kMinSeconds`
// have passed; the figures are per exhaustive run. Every run's result is
// verified (same execution count as the first run, no bug, exhaustive), so a
// broken checker cannot look fast.
//
// The two checkers explore different spaces, so their execution counts
// differ: the scheduler schedules at every visible operation (shared<T>
// loads and stores included) and runs each interleaving once; Relacy
// schedules only at atomics, mutex and condition-variable operations and
// thread start and end, but also branches on which mutex waiter wakes, when
// freed memory is reused and on thread-finish orders. "time ratio" compares
// the wall time to exhaust the model; "per-execution ratio" compares
// executions per second (> 1: our DFS is faster per execution).
//
// Relacy (linked in through //relacy_engine) replaces the global operator new
// for the whole process; outside its simulations it forwards to malloc, so
// the DFS figures carry that one extra branch per allocation.
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
#include "relacy_engine/engine.h"
#include "scheduler/strategies/explorer.h"

namespace {

using Clock = std::chrono::steady_clock;
using interleave::CheckOptions;
using interleave::CheckResult;

double kMinSeconds = 0.5;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Case {
  std::string model;
  std::vector<std::pair<std::string, int64_t>> params;
};

struct Measured {
  uint64_t executions = 0;  // per exhaustive run
  double seconds = 0;       // per exhaustive run
  uint64_t runs = 0;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "relacy_bench: %s\n", message.c_str());
  std::exit(1);
}

Measured measure_dfs(const interleave::Registry::Resolved& r) {
  auto runner = r.model->make_runner(r.params);
  Measured m;
  auto start = Clock::now();
  do {
    CheckResult result = interleave::check_dfs(r.model->spec, r.params, *runner, CheckOptions{});
    if (result.found_bug() || !result.exhaustive || !result.error.empty()) {
      die(r.model->spec.name + ": DFS did not pass exhaustively");
    }
    if (m.runs == 0) m.executions = result.executions;
    if (result.executions != m.executions) die(r.model->spec.name + ": DFS counts differ");
    ++m.runs;
  } while (seconds_since(start) < kMinSeconds);
  m.seconds = seconds_since(start) / static_cast<double>(m.runs);
  return m;
}

Measured measure_relacy(const interleave::Registry::Resolved& r) {
  Measured m;
  auto start = Clock::now();
  do {
    auto result = interleave::run_relacy(r.model->spec.name, r.params);
    if (!result) die(result.error());
    if (result->found_bug || !result->exhaustive) {
      die(r.model->spec.name + ": Relacy did not pass exhaustively: " +
          interleave::relacy_summary(*result));
    }
    if (m.runs == 0) m.executions = result->iterations;
    if (result->iterations != m.executions) die(r.model->spec.name + ": Relacy counts differ");
    ++m.runs;
  } while (seconds_since(start) < kMinSeconds);
  m.seconds = seconds_since(start) / static_cast<double>(m.runs);
  return m;
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

std::string duration(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.1f} µs", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.2f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  if (quick) kMinSeconds = 0;

  const std::vector<Case> cases = {
      {"counter.locked", {{"threads", 2}, {"iters", 2}}},
      {"counter.locked", {{"threads", 2}, {"iters", 3}}},
      {"counter.locked", {{"threads", 3}, {"iters", 2}}},
      {"counter.atomic", {{"threads", 2}, {"iters", 2}}},
      {"counter.atomic", {{"threads", 2}, {"iters", 3}}},
      {"counter.atomic", {{"threads", 3}, {"iters", 2}}},
      {"list.append_locked", {{"threads", 2}, {"iters", 2}}},
      {"queue.blocking", {{"producers", 1}, {"consumers", 1}, {"items", 1}, {"capacity", 1}}},
  };

  std::printf("== Exhaustive DFS (interleave::check_dfs) vs Relacy's full search ==\n");
  std::printf("(per exhaustive run; each repeated for at least %.1f s)\n\n", kMinSeconds);
  std::printf("%-19s %-43s | %10s %10s %11s | %10s %10s %11s | %9s %9s\n", "model", "params",
              "DFS execs", "DFS time", "DFS exec/s", "Relacy", "Relacy", "Relacy", "time",
              "per-exec");
  std::printf("%-19s %-43s | %10s %10s %11s | %10s %10s %11s | %9s %9s\n", "", "", "", "", "",
              "execs", "time", "exec/s", "ratio", "ratio");
  for (const Case& c : cases) {
    auto resolved = models::builtin().resolve(c.model, c.params);
    if (!resolved) die(resolved.error());
    Measured dfs = measure_dfs(*resolved);
    Measured relacy = measure_relacy(*resolved);
    double dfs_rate = static_cast<double>(dfs.executions) / dfs.seconds;
    double relacy_rate = static_cast<double>(relacy.executions) / relacy.seconds;
    std::printf("%-19s %-43s | %10s %10s %11s | %10s %10s %11s | %8.1fx %8.2fx\n",
                c.model.c_str(), resolved->params.describe().c_str(),
                grouped(dfs.executions).c_str(), duration(dfs.seconds).c_str(),
                grouped(static_cast<uint64_t>(dfs_rate)).c_str(),
                grouped(relacy.executions).c_str(), duration(relacy.seconds).c_str(),
                grouped(static_cast<uint64_t>(relacy_rate)).c_str(),
                relacy.seconds / dfs.seconds, dfs_rate / relacy_rate);
    std::fflush(stdout);
  }
  std::printf("\ntime ratio: Relacy's time to exhaust / DFS's (> 1: DFS exhausts the model sooner)\n");
  std::printf("per-exec ratio: DFS executions/s / Relacy executions/s (> 1: DFS is faster per "
              "execution)\n");
  std::printf("done\n");
  return 0;
}
