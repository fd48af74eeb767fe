// Exhaustive DFS, DPOR and preemption-bounded DFS (at most 2 preemptions),
// side by side, on the published DPOR benchmarks (litmus.inc, .readers,
// .lastzero), every correct counter, list and queue model, and two models of
// its own (bench.cas_increment: compare_exchange retry loops;
// bench.long_loads: 10,000-step executions): executions,
// DPOR's sleep-set-blocked (pruned) executions, wall time, whether the
// bounded search covered every schedule, and DPOR's cost per execution
// against DFS's. Prints one markdown table, ready for docs/internals.md ("Figures").
//
//   bazel run -c opt //bench:strategy_bench              # about 50 s on 2 shared vCPUs
//   bazel run -c opt //bench:strategy_bench -- --big     # adds lastzero(15) (DPOR: about 15 s)
//   bazel run -c opt //bench:strategy_bench -- --smoke   # tiny sizes, for the CI test (< 1 s)
//   ... -- --budget N                                    # DFS/bounded budget (default 5,000,000)
//   ... -- --only TEXT                                   # only the rows whose model name contains TEXT
//
// What is skipped is decided by the budget, not hard-coded: DFS and bounded
// run with CheckOptions::max_executions = budget and are reported "> N" when
// the budget stopped them; a row whose parameters are all >= those of a row
// of the same model that already exceeded the budget is not run ("—", with
// the reason in a footnote): its executions can only be more.
//
// Every figure is checked, so a broken scheduler cannot look fast; the
// program exits 1 (after printing the table and the list of failed checks)
// if any check fails:
//   - no run reports an error or a bug (every model here is correct);
//   - DPOR finishes within the budget and is exhaustive;
//   - DPOR's count equals the published one (GenMC/Nidhugg: inc, readers,
//     lastzero) or the one derived by hand (models whose every step, or every
//     critical section, conflicts with every other: the orderings of them);
//   - DFS, where it finished, is exhaustive, prunes nothing, explores at
//     least DPOR's count, and equals the number of interleavings where that
//     is derivable ((t*s)!/(s!)^t for t threads of s visible steps each);
//   - bounded explores no more than DFS, exactly as many if it cut nothing,
//     fewer if it cut;
//   - repetitions of a run give the same counts.
// Times: std::chrono::steady_clock around Registry::check; runs under 100 ms
// are repeated and the median of 5 reported.
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
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/reports/progress.h"
#include "scheduler/api/registry.h"

namespace {

// --- Models of this benchmark only ("bench.*") ---------------------------

// Each thread adds 1 to x with a compare_exchange retry loop whose first
// guess is 0 (a failed attempt loads the value it found):
//   int v = 0; while (!x.compare_exchange_strong(v, v + 1)) {}
// A failed compare_exchange only reads x; the traces number
// t! * 2^((t-1)(t-2)/2) (derived in tests/dpor_test.cc, CasIncrement).
struct CasIncrement {
  static interleave::ModelSpec spec() {
    return {"bench.cas_increment", "compare_exchange increment loops",
            {interleave::threads_param(3, 8)}};
  }
  explicit CasIncrement(const interleave::Params& p) : threads(static_cast<int>(p.get("threads"))) {}
  int thread_count() const { return threads; }
  void thread(int) {
    int v = 0;
    while (!x.compare_exchange_strong(v, v + 1)) {
    }
  }
  void invariant() { interleave::check(x.load() == threads, "every increment lands"); }
  int threads;
  interleave::atomic<int> x{"x", 0};
};

// Long executions: thread 0 loads x `steps` times, each load followed by a
// store of its own counter (so that no spin-wait detection sees a loop that
// writes nothing): 2*steps steps. Thread 1, if any, stores x once. Alone,
// one execution for DPOR and DFS. With thread 1: DPOR's traces are fixed by
// the number of loads before the store, steps+1; DFS places the store at
// each of the 2*steps+1 positions.
struct LongLoads {
  static interleave::ModelSpec spec() {
    return {"bench.long_loads", "one thread's long run of loads of one variable",
            {{"steps", "s", 5000, 1, 1'000'000, "loads of x (each followed by a store)"},
             interleave::threads_param(1, 2)}};
  }
  explicit LongLoads(const interleave::Params& p)
      : steps(static_cast<int>(p.get("steps"))), threads(static_cast<int>(p.get("threads"))) {}
  int thread_count() const { return threads; }
  void thread(int t) {
    if (t == 1) {
      x.store(1);
      return;
    }
    for (int i = 0; i < steps; ++i) {
      sum += x.load();
      counter.store(i);
    }
  }
  void invariant() {}
  int steps, threads;
  int sum = 0;
  interleave::atomic<int> x{"x", 0}, counter{"counter", 0};
};

const interleave::Registry& bench_models() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<CasIncrement>();
    r.add<LongLoads>();
    return r;
  }();
  return registry;
}

// Where `model` is registered.
const interleave::Registry& registry_of(const std::string& model) {
  return model.starts_with("bench.") ? bench_models() : models::builtin();
}

using Values = std::vector<std::pair<std::string, int64_t>>;

constexpr uint64_t kDefaultBudget = 5'000'000;
constexpr uint64_t kSmokeBudget = 20'000;
constexpr int kBoundedPreemptions = 2;
constexpr double kRepeatBelowSeconds = 0.1;
constexpr int kRepetitions = 5;
// Room for bench.long_loads's long executions (the default is 10,000 steps).
constexpr size_t kMaxSteps = 1'000'000;

enum Strategy { kDfs, kDpor, kBounded, kStrategyCount };
constexpr const char* kStrategyName[kStrategyCount] = {"dfs", "dpor", "bounded"};

uint64_t factorial(int n) {
  uint64_t f = 1;
  for (int k = 2; k <= n; ++k) f *= static_cast<uint64_t>(k);
  return f;
}

// Interleavings of `threads` threads of `steps` totally ordered units each
// (visible steps, or critical sections): (threads*steps)! / (steps!)^threads.
uint64_t interleavings(int threads, int steps) {
  uint64_t n = factorial(threads * steps);
  for (int t = 0; t < threads; ++t) n /= factorial(steps);
  return n;
}

struct Row {
  std::string model;
  Values params;
  // Known count of DPOR's complete executions (Mazurkiewicz traces under
  // sequential consistency), 0 if none; published (GenMC, Nidhugg) or
  // derived here.
  uint64_t dpor = 0;
  bool published = false;
  // Known count of DFS's executions (every interleaving), 0 if none.
  uint64_t dfs = 0;
};

struct Run {
  enum State { kSkipped, kDone, kBudget, kFailed } state = kFailed;
  std::string skip_reason;
  uint64_t executions = 0;
  uint64_t pruned = 0;
  double seconds = 0;  // median over the repetitions
  bool exhaustive = false;
};

struct Measured {
  Row row;
  std::string label;        // the parameters, for the table
  std::vector<int64_t> sizes;  // every parameter's value, defaults included
  Run runs[kStrategyCount];
};

std::vector<std::string> failures;

void fail(const Measured& m, const std::string& what) {
  failures.push_back(fmt::format("{} {}: {}", m.row.model, m.label, what));
  std::fprintf(stderr, "  CHECK FAILED: %s\n", failures.back().c_str());
}

std::string format_time(double seconds) {
  double ms = seconds * 1e3;
  if (ms < 1) return fmt::format("{:.0f} µs", ms * 1e3);
  if (ms < 10) return fmt::format("{:.1f} ms", ms);
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  return fmt::format("{:.2f} s", seconds);
}

// "3x2" for threads x iters, "n=4", or every parameter by name; "(defaults)"
// when every value is the model's default.
std::string label_of(const interleave::ModelSpec& spec, const std::vector<int64_t>& sizes) {
  std::string out;
  bool defaults = true;
  for (size_t i = 0; i < spec.params.size(); ++i) defaults &= sizes[i] == spec.params[i].default_value;
  if (spec.params.size() == 2 && spec.params[0].name == "threads" &&
      spec.params[1].name == "iters") {
    out = fmt::format("{}x{}", sizes[0], sizes[1]);
  } else {
    for (size_t i = 0; i < spec.params.size(); ++i) {
      out += fmt::format("{}{}={}", out.empty() ? "" : " ", spec.params[i].name, sizes[i]);
    }
  }
  return defaults ? out + " (defaults)" : out;
}

Run measure(const Measured& m, Strategy strategy, uint64_t budget) {
  interleave::CheckOptions options;
  options.strategy = kStrategyName[strategy];
  if (strategy == kBounded) options.preemptions = kBoundedPreemptions;
  options.max_executions = budget;
  options.limits.max_steps = kMaxSteps;
  Run run;
  std::vector<double> times;
  for (int rep = 0; rep < kRepetitions; ++rep) {
    auto start = std::chrono::steady_clock::now();
    auto result = registry_of(m.row.model).check(m.row.model, m.row.params, options);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result) {
      fail(m, fmt::format("{}: {}", kStrategyName[strategy], result.error()));
      return run;
    }
    if (!result->error.empty()) {
      fail(m, fmt::format("{}: {}", kStrategyName[strategy], result->error));
      return run;
    }
    if (result->found_bug()) {
      fail(m, fmt::format("{}: a correct model reported a bug in execution {}: {}",
                          kStrategyName[strategy], result->first_failure->execution,
                          result->first_failure->failure.message));
      return run;
    }
    Run::State state = result->budget.empty() ? Run::kDone : Run::kBudget;
    if (rep == 0) {
      run.state = state;
      run.executions = result->executions;
      run.pruned = result->pruned_executions;
      run.exhaustive = result->exhaustive;
    } else if (state != run.state || result->executions != run.executions ||
               result->pruned_executions != run.pruned || result->exhaustive != run.exhaustive) {
      fail(m, fmt::format("{}: repetition {} gave {} executions ({} pruned), the first {} ({})",
                          kStrategyName[strategy], rep + 1, result->executions,
                          result->pruned_executions, run.executions, run.pruned));
      run.state = Run::kFailed;
      return run;
    }
    times.push_back(seconds);
    if (times.front() >= kRepeatBelowSeconds) break;
  }
  std::sort(times.begin(), times.end());
  run.seconds = times[times.size() / 2];
  return run;
}

// A row of the same model, measured before, whose every parameter is <=
// this row's and whose `strategy` run the budget stopped: this one would
// exceed the budget too.
const Measured* exceeded_before(const std::vector<Measured>& done, const Measured& m,
                                Strategy strategy) {
  for (const Measured& before : done) {
    if (before.row.model != m.row.model || before.runs[strategy].state != Run::kBudget) continue;
    bool smaller = true;
    for (size_t i = 0; i < m.sizes.size(); ++i) smaller &= before.sizes[i] <= m.sizes[i];
    if (smaller) return &before;
  }
  return nullptr;
}

void check_row(const Measured& m, uint64_t budget) {
  const Row& row = m.row;
  const Run& dfs = m.runs[kDfs];
  const Run& dpor = m.runs[kDpor];
  const Run& bounded = m.runs[kBounded];
  if (dpor.state == Run::kBudget) {
    fail(m, fmt::format("DPOR did not finish within {} executions", interleave::group_thousands(budget)));
  } else if (dpor.state == Run::kDone) {
    if (!dpor.exhaustive) fail(m, "DPOR finished but says it is not exhaustive");
    if (row.dpor != 0 && dpor.executions != row.dpor) {
      fail(m, fmt::format("DPOR explored {} executions, the {} count is {}", interleave::group_thousands(dpor.executions),
                          row.published ? "published" : "derived", interleave::group_thousands(row.dpor)));
    }
  }
  if (dfs.state == Run::kDone) {
    if (!dfs.exhaustive) fail(m, "DFS finished but says it is not exhaustive");
    // DFS cuts short only executions where a spurious wakeup led back to the
    // same wait unchanged (condition_variable.h); DPOR cuts those too.
    if (dpor.state == Run::kDone && dfs.pruned > dpor.pruned) {
      fail(m, fmt::format("DFS cut {} executions short, more than DPOR's {}", dfs.pruned,
                          dpor.pruned));
    }
    if (row.dfs != 0 && dfs.executions != row.dfs) {
      fail(m, fmt::format("DFS explored {} executions, the interleavings number {}",
                          interleave::group_thousands(dfs.executions), interleave::group_thousands(row.dfs)));
    }
    if (dpor.state == Run::kDone && dfs.executions < dpor.executions) {
      fail(m, fmt::format("DFS explored {} executions, fewer than DPOR's {}", interleave::group_thousands(dfs.executions),
                          interleave::group_thousands(dpor.executions)));
    }
  } else if (dfs.state == Run::kBudget) {
    if (dfs.executions != budget) {
      fail(m, fmt::format("DFS stopped by the budget after {} executions", dfs.executions));
    }
    if (row.dfs != 0 && row.dfs <= budget) {
      fail(m, fmt::format("DFS did not finish in {} executions, the interleavings number {}",
                          interleave::group_thousands(budget), interleave::group_thousands(row.dfs)));
    }
  }
  if (bounded.state == Run::kDone) {
    uint64_t all = dfs.state == Run::kDone ? dfs.executions : row.dfs;
    if (all != 0) {
      if (bounded.exhaustive && bounded.executions != all) {
        fail(m, fmt::format("bounded cut nothing but explored {} executions, DFS {}",
                            interleave::group_thousands(bounded.executions), interleave::group_thousands(all)));
      }
      if (!bounded.exhaustive && bounded.executions >= all) {
        fail(m, fmt::format("bounded cut schedules but explored {} executions, DFS {}",
                            interleave::group_thousands(bounded.executions), interleave::group_thousands(all)));
      }
    }
    if (bounded.exhaustive && dpor.state == Run::kDone && bounded.executions < dpor.executions) {
      fail(m, fmt::format("bounded cut nothing but explored {} executions, fewer than DPOR's {}",
                          interleave::group_thousands(bounded.executions), interleave::group_thousands(dpor.executions)));
    }
  }
}

std::vector<Row> rows_for(bool smoke, bool big) {
  std::vector<Row> rows;
  // Models whose units (steps, or critical sections) all conflict: DPOR and
  // DFS both explore every ordering of them.
  auto all_conflict = [&](const std::string& model, Values params, int threads, int units) {
    uint64_t n = interleavings(threads, units);
    rows.push_back({model, std::move(params), n, false, n});
  };
  auto threads_iters = [&](const std::string& model, int threads, int iters) {
    all_conflict(model, {{"threads", threads}, {"iters", iters}}, threads, iters);
  };
  auto inc = [&](int n) {
    static constexpr uint64_t kPublished[] = {0, 0, 4, 36, 576};
    rows.push_back({"litmus.inc", {{"n", n}}, kPublished[n], true, interleavings(n, 2)});
  };
  auto readers = [&](int n) {
    rows.push_back({"litmus.readers", {{"n", n}}, uint64_t{1} << n, true, factorial(n + 1)});
  };
  auto lastzero = [&](int n, uint64_t published) {
    rows.push_back({"litmus.lastzero", {{"n", n}}, published, true, 0});
  };
  auto cas_increment = [&](int threads) {
    const uint64_t traces = factorial(threads) << ((threads - 1) * (threads - 2) / 2);
    rows.push_back({"bench.cas_increment", {{"threads", threads}}, traces, false, 0});
  };
  auto long_loads = [&](int steps, int threads) {
    rows.push_back({"bench.long_loads", {{"steps", steps}, {"threads", threads}},
                    threads == 1 ? 1 : uint64_t(steps + 1), false,
                    threads == 1 ? 1 : uint64_t(2 * steps + 1)});
  };
  auto partitioned = [&](int threads) {
    // Every thread stores to its own slot: one trace, threads! interleavings.
    rows.push_back({"counter.partitioned", {{"threads", threads}, {"iters", 1}}, 1, false,
                    factorial(threads)});
  };

  if (smoke) {
    threads_iters("counter.locked", 2, 2);
    threads_iters("counter.atomic", 2, 2);
    partitioned(2);
    inc(2);
    inc(3);
    readers(2);
    readers(8);  // DFS and bounded exceed the smoke budget: "> N"
    lastzero(5, 64);
    rows.push_back({"litmus.lastzero", {{"n", 6}}, 0, false, 0});  // DFS skipped: "—"
    threads_iters("list.append_locked", 2, 2);
    all_conflict("queue.get_nowait", {{"consumers", 2}}, 3, 1);
    rows.push_back({"queue.wakeup_loop", {{"items", 2}}, 0, false, 0});
    cas_increment(3);
    long_loads(200, 1);
    long_loads(200, 2);
    return rows;
  }

  for (const char* model : {"counter.locked", "counter.atomic"}) {
    threads_iters(model, 2, 2);
    threads_iters(model, 3, 2);
    threads_iters(model, 2, 3);
  }
  partitioned(2);
  partitioned(8);
  inc(2);
  inc(3);
  inc(4);
  readers(2);
  readers(8);
  readers(13);
  lastzero(5, 64);
  lastzero(10, 3328);
  if (big) lastzero(15, 147456);
  // The correct list and queue models at their defaults, then one larger
  // size (DPOR under about 1.5 s on an idle core).
  threads_iters("list.append_locked", 2, 2);
  threads_iters("list.append_locked", 4, 3);
  // One critical section per thread.
  all_conflict("list.check_then_pop_locked", {{"threads", 2}}, 2, 1);
  all_conflict("list.check_then_pop_locked", {{"threads", 8}}, 8, 1);
  threads_iters("list.index_increment_locked", 2, 1);
  threads_iters("list.index_increment_locked", 4, 3);
  threads_iters("list.linked_push_locked", 2, 1);
  threads_iters("list.linked_push_locked", 4, 3);
  rows.push_back({"queue.blocking", {}, 0, false, 0});
  rows.push_back({"queue.blocking", {{"items", 3}}, 0, false, 0});
  // Every put and every get attempt is one critical section.
  all_conflict("queue.locked_ring", {}, 3, 1);
  all_conflict("queue.locked_ring", {{"producers", 3}, {"consumers", 2}, {"items", 2}}, 5, 2);
  all_conflict("queue.get_nowait", {}, 3, 1);
  all_conflict("queue.get_nowait", {{"consumers", 3}}, 4, 1);
  rows.push_back({"queue.wakeup_loop", {}, 0, false, 0});
  rows.push_back({"queue.wakeup_loop", {{"items", 3}}, 0, false, 0});
  // CAS-heavy: a failed compare_exchange only reads.
  cas_increment(3);
  cas_increment(4);
  cas_increment(5);
  if (big) cas_increment(6);
  // Long executions: 10,000 steps each (one thread), and the store of a
  // second thread at each place among them.
  long_loads(5000, 1);
  long_loads(5000, 2);
  return rows;
}

int usage() {
  std::fprintf(stderr, "usage: strategy_bench [--big] [--smoke] [--budget N] [--only TEXT]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool big = false, smoke = false;
  std::string only;
  uint64_t budget = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--big") {
      big = true;
    } else if (arg == "--smoke") {
      smoke = true;
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--budget" && i + 1 < argc) {
      char* end = nullptr;
      budget = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || budget == 0) return usage();
    } else {
      return usage();
    }
  }
  if (budget == 0) budget = smoke ? kSmokeBudget : kDefaultBudget;

  auto start = std::chrono::steady_clock::now();
  std::vector<Measured> done;
  for (const Row& row : rows_for(smoke, big)) {
    if (row.model.find(only) == std::string::npos) continue;
    Measured m;
    m.row = row;
    auto resolved = registry_of(row.model).resolve(row.model, row.params);
    if (!resolved) {
      failures.push_back(fmt::format("{}: {}", row.model, resolved.error()));
      continue;
    }
    const interleave::ModelSpec& spec = resolved->model->spec;
    for (const auto& param : spec.params) m.sizes.push_back(resolved->params.get(param.name));
    m.label = label_of(spec, m.sizes);
    if (spec.buggy) fail(m, "a buggy model; this benchmark checks correct models only");
    for (Strategy s : {kDpor, kDfs, kBounded}) {
      Run& run = m.runs[s];
      if (s != kDpor) {
        if (const Measured* before = exceeded_before(done, m, s)) {
          run.state = Run::kSkipped;
          run.skip_reason = fmt::format(
              "not run: {} {} already exceeded the budget of {} executions under that strategy, "
              "and executions only grow with the parameters",
              before->row.model, before->label, interleave::group_thousands(budget));
          std::fprintf(stderr, "%-28s %-44s %-8s skipped\n", row.model.c_str(), m.label.c_str(),
                       kStrategyName[s]);
          continue;
        }
      }
      run = measure(m, s, budget);
      std::fprintf(stderr, "%-28s %-44s %-8s %s%s executions, %s pruned, %s\n", row.model.c_str(),
                   m.label.c_str(), kStrategyName[s], run.state == Run::kBudget ? "> " : "",
                   interleave::group_thousands(run.executions).c_str(), interleave::group_thousands(run.pruned).c_str(),
                   format_time(run.seconds).c_str());
    }
    check_row(m, budget);
    done.push_back(std::move(m));
  }
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Footnotes for skipped runs, numbered in order of first use.
  std::vector<std::string> notes;
  auto note = [&](const std::string& reason) {
    static constexpr const char* kMarks[] = {"¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    auto it = std::find(notes.begin(), notes.end(), reason);
    size_t index = static_cast<size_t>(it - notes.begin());
    if (it == notes.end()) notes.push_back(reason);
    return index < std::size(kMarks) ? std::string(kMarks[index])
                                     : fmt::format("({})", index + 1);
  };
  auto executions_cell = [&](const Run& run) -> std::string {
    switch (run.state) {
      case Run::kSkipped: return "—" + note(run.skip_reason);
      case Run::kFailed: return "FAILED";
      case Run::kBudget: return "> " + interleave::group_thousands(run.executions);
      case Run::kDone: return interleave::group_thousands(run.executions);
    }
    return "";
  };
  auto time_cell = [&](const Run& run) -> std::string {
    switch (run.state) {
      case Run::kSkipped: return "—";
      case Run::kFailed: return "FAILED";
      case Run::kBudget: return "> " + format_time(run.seconds);
      case Run::kDone: return format_time(run.seconds);
    }
    return "";
  };

  std::printf(
      "| model | parameters | DFS executions | DFS time | DPOR executions | DPOR cut short "
      "| DPOR time | bounded (%d preemptions) executions | bounded time | bounded exhaustive "
      "| published | DPOR ns per execution (DFS; ratio) |\n",
      kBoundedPreemptions);
  std::printf("|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n");
  bool any_derived = false;
  for (const Measured& m : done) {
    const Run& dfs = m.runs[kDfs];
    const Run& dpor = m.runs[kDpor];
    const Run& bounded = m.runs[kBounded];
    std::string exhaustive = bounded.state == Run::kDone ? (bounded.exhaustive ? "yes" : "no: cut")
                             : bounded.state == Run::kBudget ? "no: budget"
                                                             : "—";
    std::string known = "—";
    if (m.row.dpor != 0) {
      known = interleave::group_thousands(m.row.dpor) + (m.row.published ? "" : "‡");
      any_derived |= !m.row.published;
    }
    std::string cost = "—";
    if (dpor.state == Run::kDone && dpor.executions + dpor.pruned > 0) {
      double dpor_ns = dpor.seconds * 1e9 / static_cast<double>(dpor.executions + dpor.pruned);
      cost = interleave::group_thousands(static_cast<uint64_t>(dpor_ns + 0.5));
      if ((dfs.state == Run::kDone || dfs.state == Run::kBudget) && dfs.executions > 0) {
        double dfs_ns = dfs.seconds * 1e9 / static_cast<double>(dfs.executions);
        cost += fmt::format(" ({}; {:.1f}x)", interleave::group_thousands(static_cast<uint64_t>(dfs_ns + 0.5)),
                            dpor_ns / dfs_ns);
      }
    }
    // Cells in column order, so footnotes are numbered left to right.
    std::vector<std::string> cells = {m.row.model, m.label};
    cells.push_back(executions_cell(dfs));
    cells.push_back(time_cell(dfs));
    cells.push_back(executions_cell(dpor));
    cells.push_back(dpor.state == Run::kDone ? interleave::group_thousands(dpor.pruned) : "—");
    cells.push_back(time_cell(dpor));
    cells.push_back(executions_cell(bounded));
    cells.push_back(time_cell(bounded));
    cells.push_back(exhaustive);
    cells.push_back(known);
    cells.push_back(cost);
    std::string line = "|";
    for (const std::string& cell : cells) line += " " + cell + " |";
    std::printf("%s\n", line.c_str());
  }
  std::printf("\n");
  for (size_t i = 0; i < notes.size(); ++i) {
    std::printf("%s %s.\n", note(notes[i]).c_str(), notes[i].c_str());
  }
  if (any_derived) {
    std::printf(
        "‡ Not published: derived by hand, every step (atomic) or critical section (locked) "
        "conflicts with every other, so the traces are their orderings, (t·s)!/(s!)^t for t "
        "threads of s each; counter.partitioned has one trace; bench.cas_increment has "
        "t!·2^((t-1)(t-2)/2) (see tests/dpor_test.cc); bench.long_loads has steps+1 (one for a "
        "single thread). Checked like "
        "the published counts.\n");
  }
  std::printf(
      "DFS and bounded run within a budget of %s executions (\"> N\": the budget stopped them, "
      "after the time shown). \"cut short\": executions DPOR cut short as repeats (sleep-set-blocked, or a spurious wakeup that changed nothing), not counted as "
      "executions; DPOR's ns per execution counts them. \"bounded exhaustive: no: cut\": some "
      "schedule needs more than %d preemptions. Times: median of %d runs for runs under "
      "%.0f ms, else one run.\n",
      interleave::group_thousands(budget).c_str(), kBoundedPreemptions, kRepetitions, kRepeatBelowSeconds * 1e3);
  std::printf("\n%zu rows in %.1f s; ", done.size(), total);
  if (failures.empty()) {
    std::printf("every check passed.\n");
    return 0;
  }
  std::printf("%zu check%s FAILED:\n", failures.size(), failures.size() == 1 ? "" : "s");
  for (const std::string& f : failures) std::printf("  %s\n", f.c_str());
  return 1;
}
