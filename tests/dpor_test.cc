// DPOR (scheduler/dpor.h): published execution counts, and an oracle on
// random small models. The oracle explores every schedule with DFS, maps
// each execution to a canonical form of its trace (the lexicographically
// least schedule with the same happens-before order), and checks that DPOR
// runs exactly one complete execution per distinct trace, none cut short
// (optimal DPOR), and reaches every outcome (values read, final values) and
// every bug that DFS reaches.
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/counter.h"
#include "models/litmus.h"
#include "scheduler/dfs.h"
#include "scheduler/dpor.h"
#include "scheduler/explorer.h"
#include "scheduler/report.h"

namespace {

using namespace interleave;

// These tests compare the interleavings DPOR and DFS explore, on programs
// that race on plain shared<int>s by design: race detection, which would
// stop each execution at its first race, is off.
ExecutionLimits without_race_detection() {
  ExecutionLimits limits;
  limits.detect_races = false;
  return limits;
}

template <Model M>
CheckResult dpor(std::vector<std::pair<std::string, int64_t>> values, bool all = false) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  CheckOptions options;
  options.limits = without_race_detection();
  options.strategy = "dpor";
  options.all = all;
  return check_model<M>(*params, options);
}

// --- Random small models ------------------------------------------------

// What each execution of a RandomModel produced, gathered by its invariant.
std::vector<std::string>* g_outcomes = nullptr;

// 2-3 threads of 1-3 instructions each over 1-3 variables and 2 mutexes:
// loads, stores, and loads or stores inside a lock/unlock pair. The program
// is a pure function of the seed (std::mt19937 is specified bit for bit).
struct RandomModel {
  static ModelSpec spec() {
    return {"test.random",
            "random small program",
            {{"seed", "s", 1, 0, 1'000'000, "seed"},
             {"spawn", "p", 0, 0, 1, "1: thread 0 then starts a child thread, stores, joins it"}}};
  }
  enum Kind { kLoad, kStore, kLockedLoad, kLockedStore };
  struct Instr {
    Kind kind;
    int var;
    int lock;
  };

  explicit RandomModel(const Params& p) {
    std::mt19937 rng(static_cast<uint32_t>(p.get("seed")));
    spawn = p.get("spawn") == 1;
    threads = spawn ? 2 : 2 + rng() % 2;  // with the child, at most 3 threads
    vars = 1 + rng() % 3;
    program.resize(threads + (spawn ? 1 : 0));
    for (size_t t = 0; t < program.size(); ++t) {
      auto& body = program[t];
      // With spawn, T1 gets one instruction: DFS must stay quick.
      int n = spawn && t == 1 ? 1 : 1 + rng() % (program.size() == 2 ? 3 : 2);
      for (int i = 0; i < n; ++i) {
        body.push_back(Instr{Kind(rng() % 4), int(rng() % vars), int(rng() % 2)});
      }
    }
    reads.resize(program.size());
  }
  int thread_count() const { return threads; }

  void thread(int t) {
    if (t == 0 && spawn) {
      run(0);
      interleave::thread child([this] { run(threads); });
      var[0].store(7);  // concurrent with the child
      child.join();
      reads[0].push_back(var[0].load());  // after the join: sees the child's writes
    } else {
      run(t);
    }
  }
  void run(int t) {
    int i = 0;
    for (const Instr& in : program[t]) {
      bool locked = in.kind == kLockedLoad || in.kind == kLockedStore;
      if (locked) locks[in.lock].lock();
      if (in.kind == kLoad || in.kind == kLockedLoad) {
        reads[t].push_back(var[in.var].load());
      } else {
        var[in.var].store(100 * (t + 1) + i);
      }
      if (locked) locks[in.lock].unlock();
      ++i;
    }
  }
  void invariant() {
    std::string outcome;
    for (const auto& r : reads) {
      for (int v : r) outcome += std::to_string(v) + ",";
      outcome += "|";
    }
    for (int v = 0; v < vars; ++v) outcome += std::to_string(var[v].load()) + ",";
    if (g_outcomes != nullptr) g_outcomes->push_back(outcome);
  }

  int threads, vars;
  bool spawn;
  std::vector<std::vector<Instr>> program;
  std::vector<std::vector<int>> reads;
  shared<int> var[3] = {shared<int>{"x"}, shared<int>{"y"}, shared<int>{"z"}};
  mutex locks[2] = {mutex{"a"}, mutex{"b"}};
};

// The canonical form of an execution's trace: repeatedly take, among the
// threads whose next step conflicts with no earlier remaining step, the
// lowest-numbered one.
std::string canonical(const std::vector<TraceStep>& trace) {
  std::vector<bool> taken(trace.size(), false);
  std::string out;
  for (size_t placed = 0; placed < trace.size(); ++placed) {
    size_t best = trace.size();
    for (size_t i = 0; i < trace.size(); ++i) {
      if (taken[i]) continue;
      bool eligible = true;
      for (size_t j = 0; j < i && eligible; ++j) {
        if (taken[j]) continue;
        if (trace[j].thread == trace[i].thread ||
            DporStrategy::conflict(DporStrategy::access_of(trace[j].op),
                                   DporStrategy::access_of(trace[i].op))) {
          eligible = false;
        }
      }
      if (eligible && (best == trace.size() || trace[i].thread < trace[best].thread)) best = i;
    }
    taken[best] = true;
    out += std::to_string(trace[best].thread);
    out += op_name(trace[best].op.kind);
    out += trace[best].op.name;
    out += ' ';
  }
  return out;
}

struct Exploration {
  uint64_t complete = 0;
  std::set<std::string> traces;      // canonical forms of complete executions
  std::set<std::string> outcomes;    // what complete executions produced
  uint64_t duplicates = 0;           // complete executions of an already seen trace
  uint64_t pruned = 0;               // executions cut short (sleep-set blocked)
};

// Runs `strategy` to the end on model M with `values`, gathering what each
// complete execution produced: the invariant's outcome, or the deadlock.
template <Model M>
Exploration explore(Strategy& strategy, std::vector<std::pair<std::string, int64_t>> values) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  ModelAdapter<M> model(*params);
  Execution execution(without_race_detection());
  Exploration e;
  std::vector<std::string> outcomes;
  g_outcomes = &outcomes;
  while (strategy.begin_execution()) {
    outcomes.clear();
    Outcome outcome = execution.run(model, strategy);
    if (!strategy.error().empty()) FAIL(strategy.error());
    if (outcome == Outcome::kStopped) {
      ++e.pruned;
      continue;
    }
    ++e.complete;
    if (!e.traces.insert(canonical(execution.trace())).second) ++e.duplicates;
    if (outcome == Outcome::kFailed) {
      const Failure& f = *execution.failure();
      if (f.kind != FailureKind::kDeadlock) FAIL(describe_failure(f));
      e.outcomes.insert("deadlock: " + f.message);
      continue;
    }
    if (outcomes.size() != 1) FAIL("the invariant ran " << outcomes.size() << " times");
    e.outcomes.insert(outcomes[0]);
  }
  g_outcomes = nullptr;
  return e;
}

Exploration explore_all(Strategy& strategy, uint32_t seed, int spawn = 0) {
  return explore<RandomModel>(strategy, {{"seed", seed}, {"spawn", spawn}});
}

// Random small programs with a condition variable: 2-3 threads, each a few
// blocks, a block either one unlocked access (load or store of x or y, or a
// notify) or a critical section under m holding one or two of: a load or
// store, a notify_one or notify_all, a wait for `flag` (in a loop, or once:
// the missed-wakeup bug). Stores of `flag` wake waiters. Deadlocks are
// outcomes here, not failures to stop at.
struct RandomWaitModel {
  static ModelSpec spec() {
    return {"test.randomwait", "random program with a condition variable",
            {{"seed", "s", 1, 0, 1'000'000, "seed"}}};
  }
  enum Kind { kLoad, kStore, kSetFlag, kNotifyOne, kNotifyAll, kWaitLoop, kWaitOnce };
  struct Block {
    bool locked;
    std::vector<std::pair<Kind, int>> body;  // (what, variable 0..1)
  };

  explicit RandomWaitModel(const Params& p) {
    std::mt19937 rng(static_cast<uint32_t>(p.get("seed")));
    threads = 2 + rng() % 2;
    program.resize(threads);
    for (auto& blocks : program) {
      const int n = 1 + rng() % 2;
      for (int b = 0; b < n; ++b) {
        Block block{rng() % 3 != 0, {}};
        const int size = block.locked ? 1 + rng() % 2 : 1;
        for (int i = 0; i < size; ++i) {
          Kind k = Kind(rng() % 7);
          if (!block.locked && (k == kWaitLoop || k == kWaitOnce)) k = kNotifyOne;
          block.body.emplace_back(k, int(rng() % 2));
        }
        blocks.push_back(block);
      }
    }
    reads.resize(threads);
  }
  int thread_count() const { return threads; }

  void thread(int t) {
    for (const Block& block : program[t]) {
      if (block.locked) {
        unique_lock held(m);
        run(t, block, &held);
      } else {
        run(t, block, nullptr);
      }
    }
  }
  void run(int t, const Block& block, unique_lock* held) {
    for (auto [kind, v] : block.body) {
      switch (kind) {
          case kLoad: reads[t].push_back(var[v].load()); break;
          case kStore: var[v].store(10 * (t + 1) + v); break;
          case kSetFlag: flag.store(1); break;
          case kNotifyOne: cv.notify_one(); break;
          case kNotifyAll: cv.notify_all(); break;
          case kWaitLoop:
            while (flag.load() == 0) cv.wait(*held);
            break;
          case kWaitOnce:
            if (flag.load() == 0) cv.wait(*held);
            break;
      }
    }
  }
  void invariant() {
    std::string outcome;
    for (const auto& r : reads) {
      for (int v : r) outcome += std::to_string(v) + ",";
      outcome += "|";
    }
    outcome += std::to_string(var[0].load()) + "," + std::to_string(var[1].load()) + "," +
               std::to_string(flag.load());
    if (g_outcomes != nullptr) g_outcomes->push_back(outcome);
  }

  int threads;
  std::vector<std::vector<Block>> program;
  std::vector<std::vector<int>> reads;
  shared<int> var[2] = {shared<int>{"x"}, shared<int>{"y"}};
  shared<int> flag{"flag", 0};
  mutex m{"m"};
  condition_variable cv{"cv"};
};

// Spawn and join: T0 starts a child that writes x, writes y itself, then
// joins the child and reads x; T1 reads x and y. Records what was read.
std::set<std::string>* g_spawn_outcomes = nullptr;

struct SpawnJoinModel {
  static ModelSpec spec() { return {"test.spawnjoin", "spawn and join", {}}; }
  explicit SpawnJoinModel(const Params&) {}
  int thread_count() const { return 2; }
  shared<int> x{"x", 0};
  shared<int> y{"y", 0};
  int t0_read = -1, t1_x = -1, t1_y = -1;
  void thread(int index) {
    if (index == 0) {
      interleave::thread child([&] { x.store(1); });
      y.store(2);
      child.join();
      t0_read = x.load();
    } else {
      t1_x = x.load();
      t1_y = y.load();
    }
  }
  void invariant() {
    check(t0_read == 1, "the join must make the child's write visible");
    if (g_spawn_outcomes != nullptr) {
      g_spawn_outcomes->insert(std::to_string(t1_x) + "," + std::to_string(t1_y));
    }
  }
};

}  // namespace

TEST_CASE("DPOR with spawn and join reaches every outcome DFS reaches", "[dpor]") {
  auto params = make_params<SpawnJoinModel>();
  REQUIRE(params.ok());
  std::set<std::string> by_dfs, by_dpor;
  CheckOptions options;
  options.limits = without_race_detection();
  options.strategy = "dfs";
  g_spawn_outcomes = &by_dfs;
  CheckResult dfs = check_model<SpawnJoinModel>(*params, options);
  options.strategy = "dpor";
  g_spawn_outcomes = &by_dpor;
  CheckResult reduced = check_model<SpawnJoinModel>(*params, options);
  g_spawn_outcomes = nullptr;
  INFO(format_check(reduced, options));
  CHECK_FALSE(dfs.found_bug());
  CHECK_FALSE(reduced.found_bug());
  CHECK(by_dpor == by_dfs);
  CHECK(by_dfs.size() == 4);  // T1 reads x in {0, 1} and y in {0, 2}
  CHECK(reduced.executions < dfs.executions);
}

TEST_CASE("DPOR reproduces the published execution counts", "[dpor]") {
  // inc(N): 4, 36, 576; readers(N): 2^N; lastzero(N): 64, 3328 (GenMC).
  CHECK(dpor<models::Inc>({{"n", 2}}).executions == 4);
  CHECK(dpor<models::Inc>({{"n", 3}}).executions == 36);
  CHECK(dpor<models::Inc>({{"n", 4}}).executions == 576);
  CHECK(dpor<models::Readers>({{"n", 2}}).executions == 4);
  CHECK(dpor<models::Readers>({{"n", 8}}).executions == 256);
  CHECK(dpor<models::Readers>({{"n", 13}}).executions == 8192);
  CheckResult lz5 = dpor<models::LastZero>({{"n", 5}});
  CHECK(lz5.executions == 64);
  CHECK(lz5.exhaustive);
  CheckResult lz10 = dpor<models::LastZero>({{"n", 10}});
  CHECK(lz10.executions == 3328);
  CHECK(lz10.exhaustive);
  // Optimal DPOR: no execution ends sleep-set blocked.
  CHECK(lz5.pruned_executions == 0);
  CHECK(lz10.pruned_executions == 0);
}

TEST_CASE("DPOR finds the counter bugs and passes the correct counters", "[dpor]") {
  CheckResult racy = dpor<models::CounterRacy>({{"threads", 2}, {"iters", 1}}, /*all=*/true);
  INFO(format_check(racy, {}));
  REQUIRE(racy.found_bug());
  // Two loads commute: 4 traces (inc(2)), of which the two where both loads
  // come before both stores lose an update.
  CHECK(racy.executions == 4);
  CHECK(racy.failing_executions == 2);
  CheckResult atomic = dpor<models::CounterAtomic>({{"threads", 3}, {"iters", 2}});
  CHECK_FALSE(atomic.found_bug());
  CHECK(atomic.executions == 90);  // every fetch_add conflicts: 6!/(2!2!2!)
  CheckResult locked = dpor<models::CounterLocked>({{"threads", 2}, {"iters", 2}});
  CHECK_FALSE(locked.found_bug());
  CHECK(locked.executions == 6);  // orders of the four critical sections
}

TEST_CASE("DPOR: one execution per trace on random small models", "[dpor][oracle]") {
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    CAPTURE(seed);
    DfsStrategy dfs;
    Exploration all = explore_all(dfs, seed);
    DporStrategy dpor_strategy;
    Exploration reduced = explore_all(dpor_strategy, seed);
    CHECK(reduced.duplicates == 0);
    CHECK(reduced.pruned == 0);
    CHECK(dpor_strategy.unrunnable_plans() == 0);
    CHECK(dpor_strategy.planned_steps() == 0);
    CHECK(reduced.complete == all.traces.size());
    CHECK(reduced.traces == all.traces);
    CHECK(reduced.outcomes == all.outcomes);
  }
}

TEST_CASE("DPOR estimates the share of the tree it has covered", "[dpor]") {
  auto params = make_params<models::Inc>({{"n", 3}});
  REQUIRE(params.ok());
  ModelAdapter<models::Inc> model(*params);
  DporStrategy strategy;
  Execution execution;
  REQUIRE(strategy.covered_fraction() == 0.0);
  std::vector<double> seen;
  while (strategy.begin_execution()) {
    const std::optional<double> f = strategy.covered_fraction();
    REQUIRE(f.has_value());
    seen.push_back(*f);
    execution.run(model, strategy);
  }
  CHECK(strategy.covered_fraction() == 1.0);
  CHECK(strategy.planned_steps() == 0);  // every planned step went back to the pool
  CHECK(strategy.peak_planned_steps() > 0);
  REQUIRE(seen.size() == 36);
  CHECK(seen.front() == 0.0);
  for (double f : seen) {
    CHECK(f >= 0.0);
    CHECK(f < 1.0);
  }
  // Past the first of the three threads' orders at the root: at least a third.
  CHECK(seen.back() >= 2.0 / 3.0);
}

TEST_CASE("DPOR with condition variables reaches every outcome DFS reaches", "[dpor][oracle]") {
  int deadlocking = 0;  // programs where some schedule deadlocks
  int reduced_programs = 0;  // programs where DPOR ran fewer executions than DFS
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    CAPTURE(seed);
    DfsStrategy dfs;
    Exploration all = explore<RandomWaitModel>(dfs, {{"seed", seed}});
    DporStrategy dpor_strategy;
    Exploration reduced = explore<RandomWaitModel>(dpor_strategy, {{"seed", seed}});
    CHECK(reduced.outcomes == all.outcomes);
    CHECK(reduced.complete <= all.complete);
    CHECK(reduced.pruned == 0);
    CHECK(dpor_strategy.unrunnable_plans() == 0);
    CHECK(dpor_strategy.planned_steps() == 0);
    for (const std::string& o : all.outcomes) deadlocking += o.starts_with("deadlock") ? 1 : 0;
    reduced_programs += reduced.complete < all.complete ? 1 : 0;
  }
  // The programs exercise what they are meant to.
  CHECK(deadlocking >= 20);
  CHECK(reduced_programs >= 50);
}

TEST_CASE("DPOR: one execution per trace on random small models with spawn and join",
          "[dpor][oracle]") {
  for (uint32_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    DfsStrategy dfs;
    Exploration all = explore_all(dfs, seed, /*spawn=*/1);
    DporStrategy dpor_strategy;
    Exploration reduced = explore_all(dpor_strategy, seed, /*spawn=*/1);
    CHECK(reduced.duplicates == 0);
    CHECK(reduced.pruned == 0);
    CHECK(dpor_strategy.unrunnable_plans() == 0);
    CHECK(reduced.complete == all.traces.size());
    CHECK(reduced.outcomes == all.outcomes);
  }
}
