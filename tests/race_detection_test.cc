// Data-race detection (scheduler/runtime/race_detector.h): two accesses to one
// shared<T> from different threads, at least one a store, that no
// happens-before edge orders, fail the execution at the second access.
//
// The programs here are written for the test: a racy increment whose
// invariant holds (so only the race detector can fail it), its locked twin,
// each happens-before edge present and absent, and an oracle: on random
// small programs, in every execution DFS explores, the detector's verdict
// equals a race computed from the trace alone, with happens-before as the
// transitive closure of edges read off the trace (no vector clocks).
#include <bitset>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "models/builtin.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/reports/explain.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/reports/report.h"

namespace {

using namespace interleave;
using Values = std::vector<std::pair<std::string, int64_t>>;

// --- The racy increment and its locked twin -----------------------------

int g_load_line = 0, g_store_line = 0;

// Every thread increments with a load and a store; the invariant only asks
// for counter >= 1, which every interleaving of 2 threads x 1 increment
// keeps (the lost update leaves 1).
struct WeakIncrement {
  static ModelSpec spec() {
    return {"test.weak_increment", "racy increment, invariant counter >= 1",
            {threads_param(2, 4), iters_param(1, 2)}, /*buggy=*/true};
  }
  explicit WeakIncrement(const Params& p) : iters(p.iters()) {}
  void thread(int) {
    for (int i = 0; i < iters; ++i) {
      int v = counter.load(); g_load_line = __LINE__;
      counter.store(v + 1); g_store_line = __LINE__;
    }
  }
  void invariant() { check(counter.load() >= 1, "counter == {}", counter.load()); }
  int iters;
  shared<int> counter{"counter", 0};
};

struct LockedIncrement {
  static ModelSpec spec() {
    return {"test.locked_increment", "the increment under a mutex",
            {threads_param(2, 4), iters_param(1, 2)}};
  }
  explicit LockedIncrement(const Params& p) : iters(p.iters()) {}
  void thread(int) {
    for (int i = 0; i < iters; ++i) {
      lock_guard guard(lock);
      counter.store(counter.load() + 1);
    }
  }
  void invariant() { check(counter.load() >= 1, "counter == {}", counter.load()); }
  int iters;
  shared<int> counter{"counter", 0};
  mutex lock{"lock"};
};

template <Model M>
CheckResult check_with(const std::string& strategy, Values values = {}, bool races = true) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = strategy;
  options.limits.detect_races = races;
  if (strategy == "random" || strategy == "pct") options.max_executions = 200;
  return check_model<M>(*params, options);
}

const char* const kStrategies[] = {"dpor", "dfs", "bounded", "iterative", "random", "pct"};

TEST_CASE("a racy increment whose invariant holds fails as a data race, in every strategy",
          "[races]") {
  for (const char* strategy : kStrategies) {
    CAPTURE(strategy);
    CheckResult r = check_with<WeakIncrement>(strategy);
    INFO(format_check(r, CheckOptions{}));
    REQUIRE(r.found_bug());
    CHECK(r.first_failure->failure.kind == FailureKind::kDataRace);
    // Without race detection nothing is wrong with it at 2 x 1.
    CheckResult quiet = check_with<WeakIncrement>(strategy, {}, /*races=*/false);
    CHECK_FALSE(quiet.found_bug());
  }
  // DPOR (and DFS) run T0 to the end first: T1's load is the second access.
  CheckResult r = check_with<WeakIncrement>("dpor");
  const FoundFailure& f = *r.first_failure;
  CHECK(f.execution == 1);
  CHECK(f.failure.message ==
        fmt::format("data race on counter: T0 wrote at tests/race_detection_test.cc:{} (step 2), "
                    "T1 read at tests/race_detection_test.cc:{} (step 3), neither ordered before "
                    "the other",
                    g_store_line, g_load_line));
  CHECK(f.failure.thread == 1);
  CHECK(f.failure.racing_step == 1);
  REQUIRE(f.trace.size() == 3);  // the trace ends at the second access
  CHECK(f.schedule.to_string() == "test.weak_increment:t2,i1:v1:001");
  // Both accesses marked, and the why line names them.
  Explanation e = explain(f.trace, &f.failure);
  CHECK(e.key_steps == std::vector<size_t>{2, 3});
  CHECK(e.summary ==
        "data race on counter: T0's store (step 2) and T1's load (step 3); no lock, atomic, "
        "spawn, join or wake-up orders them");
  std::string report = format_check(r, CheckOptions{});
  CHECK_THAT(report, Catch::Contains("FAIL data race on counter: T0 wrote at "));
  CHECK_THAT(report, Catch::Contains("marks: -> context switch, * the racing accesses"));
  CHECK_THAT(report, !Catch::Contains("   (T1, "));  // the message names both places itself

  // The replay reproduces the same failure; shrinking kept it the same race.
  ModelAdapter<WeakIncrement> model(*make_params<WeakIncrement>());
  auto replayed = replay(WeakIncrement::spec(), *make_params<WeakIncrement>(), model, f.schedule);
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure);
  CHECK(replayed->failure->kind == FailureKind::kDataRace);
  CHECK(replayed->failure->message == f.failure.message);
  CHECK(replayed->failure->same_as(f.failure));
}

TEST_CASE("the locked increment has no data race, exhaustively", "[races]") {
  for (const char* strategy : {"dpor", "dfs"}) {
    CAPTURE(strategy);
    for (Values v : {Values{{"threads", 2}, {"iters", 1}}, Values{{"threads", 3}, {"iters", 2}}}) {
      CheckResult r = check_with<LockedIncrement>(strategy, v);
      INFO(format_check(r, CheckOptions{}));
      CHECK_FALSE(r.found_bug());
      CHECK(r.exhaustive);
    }
  }
}

// --- Every happens-before edge, present and absent ------------------------

// The failure kinds over every execution DFS explores (race detection on).
template <Model M>
std::multiset<FailureKind> failures_of_every_execution(Values values,
                                                       ExecutionLimits limits = {}) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  ModelAdapter<M> model(*params);
  Execution execution(limits);
  DfsStrategy dfs;
  std::multiset<FailureKind> kinds;
  size_t executions = 0;
  while (dfs.begin_execution()) {
    execution.run(model, dfs);
    ++executions;
    if (execution.failure()) kinds.insert(execution.failure()->kind);
  }
  REQUIRE(executions >= 1);
  return kinds;
}

template <Model M>
bool races_in_some_execution(bool ordered, ExecutionLimits limits = {}) {
  return failures_of_every_execution<M>({{"ordered", ordered ? 1 : 0}}, limits)
             .count(FailureKind::kDataRace) > 0;
}

ParamSpec ordered_param() { return {"ordered", "o", 1, 0, 1, "1: the edge is there"}; }

// Join: a child stores x; T0 loads x after the join (ordered) or before it.
struct JoinEdge {
  static ModelSpec spec() { return {"test.join_edge", "join orders", {ordered_param()}}; }
  explicit JoinEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 1) {
      other.store(1);  // something to interleave with
      return;
    }
    interleave::thread child([this] { x.store(1); });
    if (ordered) {
      child.join();
      x.load();
    } else {
      x.load();
      child.join();
    }
  }
  void invariant() {}
  bool ordered;
  shared<int> x{"x", 0}, other{"other", 0};
};

// Spawn: T0 stores x before spawning the child that loads it (ordered), or after.
struct SpawnEdge {
  static ModelSpec spec() { return {"test.spawn_edge", "spawn orders", {ordered_param()}}; }
  explicit SpawnEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 1; }
  void thread(int) {
    if (ordered) x.store(1);
    interleave::thread child([this] { x.load(); });
    if (!ordered) x.store(1);
    child.join();
  }
  void invariant() {}
  bool ordered;
  shared<int> x{"x", 0};
};

// (The models below lock and unlock explicitly rather than with a
// lock_guard: a race fails the execution while another thread may wait at
// the unlock in a guard's destructor, and unwinding a fiber paused inside a
// noexcept destructor terminates the process unless the teardown abandons
// it, which helper "robust"'s teardown does.)

// Mutex: two increments of x, both locked (ordered) or T1's unlocked.
struct MutexEdge {
  static ModelSpec spec() { return {"test.mutex_edge", "mutex orders", {ordered_param()}}; }
  explicit MutexEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 0 || ordered) {
      m.lock();
      x.store(x.load() + 1);
      m.unlock();
    } else {
      x.store(x.load() + 1);
    }
  }
  void invariant() {}
  bool ordered;
  shared<int> x{"x", 0};
  mutex m{"m"};
};

// try_lock: T1 increments x only if its try_lock succeeds (ordered, when it
// does), or increments it whether or not the try_lock succeeded.
struct TryLockEdge {
  static ModelSpec spec() { return {"test.try_lock_edge", "try_lock orders", {ordered_param()}}; }
  explicit TryLockEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 0) {
      m.lock();
      x.store(1);
      m.unlock();
      return;
    }
    bool got = m.try_lock();
    if (got || !ordered) x.load();
    if (got) m.unlock();
  }
  void invariant() {}
  bool ordered;
  shared<int> x{"x", 0};
  mutex m{"m"};
};

// Message passing through an atomic flag: T0 writes data, then raises the
// flag; T1 reads data only once it sees the flag (ordered) or regardless.
struct FlagEdge {
  static ModelSpec spec() { return {"test.flag_edge", "atomic flag publishes", {ordered_param()}}; }
  explicit FlagEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 0) {
      data.store(42);
      ready.store(true);
    } else if (ready.load() || !ordered) {
      data.load();
    }
  }
  void invariant() {}
  bool ordered;
  shared<int> data{"data", 0};
  atomic<bool> ready{"ready", false};
};

// Release sequence: T0 writes data and stores a = 1; T1 adds 1 to a with a
// read-modify-write (ordered: it continues T0's release sequence) or
// overwrites it with a plain atomic store of 2 (which starts a new one, of
// T1's, which never synchronised with T0); T2 reads data once it sees a == 2.
struct ReleaseSequenceEdge {
  static ModelSpec spec() {
    return {"test.release_sequence_edge", "an RMW continues a release sequence",
            {ordered_param()}};
  }
  explicit ReleaseSequenceEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 3; }
  void thread(int t) {
    if (t == 0) {
      data.store(42);
      a.store(1);
    } else if (t == 1) {
      if (ordered) {
        a.fetch_add(1);  // 1 -> 2, or 0 -> 1
      } else {
        a.store(2);
      }
    } else if (a.load() == 2) {
      data.load();
    }
  }
  void invariant() {}
  bool ordered;
  shared<int> data{"data", 0};
  atomic<int> a{"a", 0};
};

// Condition-variable wake-up: T0 waits (once, no predicate) and then reads
// data outside the lock; T1 writes data, then notifies (ordered) or notifies
// first and writes data after. Executions where the notify comes before the
// wait deadlock (a lost wakeup); that is not what this tests.
struct WakeupEdge {
  static ModelSpec spec() { return {"test.wakeup_edge", "a wake-up orders", {ordered_param()}}; }
  explicit WakeupEdge(const Params& p) : ordered(p.get("ordered") == 1) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 0) {
      unique_lock held(m);
      cv.wait(held);
      held.unlock();
      data.load();
    } else if (ordered) {
      data.store(1);
      cv.notify_one();
    } else {
      cv.notify_one();
      data.store(1);
    }
  }
  void invariant() {}
  bool ordered;
  shared<int> data{"data", 0};
  mutex m{"m"};
  condition_variable cv{"cv"};
};

TEST_CASE("happens-before edges: with the edge no execution races, without it one does",
          "[races]") {
  CHECK_FALSE(races_in_some_execution<JoinEdge>(true));
  CHECK(races_in_some_execution<JoinEdge>(false));
  CHECK_FALSE(races_in_some_execution<SpawnEdge>(true));
  CHECK(races_in_some_execution<SpawnEdge>(false));
  CHECK_FALSE(races_in_some_execution<MutexEdge>(true));
  CHECK(races_in_some_execution<MutexEdge>(false));
  CHECK_FALSE(races_in_some_execution<TryLockEdge>(true));
  CHECK(races_in_some_execution<TryLockEdge>(false));
  CHECK_FALSE(races_in_some_execution<FlagEdge>(true));
  CHECK(races_in_some_execution<FlagEdge>(false));
  CHECK_FALSE(races_in_some_execution<ReleaseSequenceEdge>(true));
  CHECK(races_in_some_execution<ReleaseSequenceEdge>(false));
  // The wake-up edge itself, without spurious wakeups: a wait that wakes
  // spuriously is ordered after no notify, and its load then races for real.
  ExecutionLimits no_spurious;
  no_spurious.spurious_wakeups = false;
  CHECK_FALSE(races_in_some_execution<WakeupEdge>(true, no_spurious));
  CHECK(races_in_some_execution<WakeupEdge>(false, no_spurious));
  CHECK(races_in_some_execution<WakeupEdge>(true));
  // The wake-up model's other failures are the lost wakeups, in both forms.
  for (bool ordered : {true, false}) {
    for (FailureKind k : failures_of_every_execution<WakeupEdge>({{"ordered", ordered}})) {
      CHECK((k == FailureKind::kDeadlock || k == FailureKind::kDataRace));
    }
  }
}

// A load does not release: T0 writes data, then loads the flag; T1 stores the
// flag, then reads data. C++ orders nothing here (only a load that reads a
// store synchronises with it), so the schedule T0, T0, T1, T1 races although
// every atomic operation of T0 comes before T1's.
struct LoadThenStore {
  static ModelSpec spec() { return {"test.load_then_store", "a load does not release", {}}; }
  explicit LoadThenStore(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 0) {
      data.store(1);
      flag.load();
    } else {
      flag.store(1);
      data.load();
    }
  }
  void invariant() {}
  shared<int> data{"data", 0};
  atomic<int> flag{"flag", 0};
};

TEST_CASE("an atomic load orders nothing before a later store of another thread", "[races]") {
  auto params = make_params<LoadThenStore>();
  REQUIRE(params.ok());
  ModelAdapter<LoadThenStore> model(*params);
  Schedule schedule;
  schedule.model = "test.load_then_store";
  schedule.choices = {0, 0, 1, 1};
  auto r = replay(LoadThenStore::spec(), *params, model, schedule);
  REQUIRE(r.ok());
  REQUIRE(r->failure);
  CHECK(r->failure->kind == FailureKind::kDataRace);
  CHECK(r->failure->racing_step == 0);
  CHECK(r->trace.size() == 4);
}

// A shared<T> built and destroyed inside a thread body is forgotten: another
// one at the same address later is a new variable, not the old one racing.
struct ScopedVariables {
  static ModelSpec spec() { return {"test.scoped_variables", "locals at one address", {}}; }
  explicit ScopedVariables(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int t) {
    if (t == 0) {
      {
        shared<int> local{"local", 0};
        local.store(1);
      }
      done.store(true);  // publishes the end of T0's local
    } else if (done.load()) {
      shared<int> local{"local", 0};  // very likely T0's old address
      local.store(2);
    }
  }
  void invariant() {}
  atomic<bool> done{"done", false};
};

TEST_CASE("a variable destroyed during the execution is forgotten", "[races]") {
  CHECK(failures_of_every_execution<ScopedVariables>({}).empty());
}

// --- Oracle: random programs against a race computed from the trace -------

// Up to 3 threads (one of them possibly started by T0 and joined later) of
// up to 3 operations over 2 plain variables, 1 atomic and 1 mutex.
struct RandomRacer {
  static ModelSpec spec() {
    return {"test.random_racer", "random small program", {{"seed", "s", 1, 0, 1'000'000, "seed"}}};
  }
  enum Kind {
    kPlainLoad,
    kPlainStore,
    kLockedLoad,
    kLockedStore,
    kTryLockedStore,
    kAtomicLoad,
    kAtomicStore,
    kAtomicAdd,
    kAtomicExchange,
    kKinds
  };
  struct Op {
    Kind kind;
    int var;
  };
  explicit RandomRacer(const Params& p) {
    std::mt19937 rng(static_cast<uint32_t>(p.get("seed")));
    spawn = rng() % 3 == 0;
    threads = spawn ? 2 : 2 + static_cast<int>(rng() % 2);
    program.resize(static_cast<size_t>(threads) + (spawn ? 1 : 0));
    for (auto& body : program) {
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) {
        body.push_back(Op{Kind(rng() % kKinds), static_cast<int>(rng() % 2)});
      }
    }
    join_after = spawn ? static_cast<int>(rng() % (program[0].size() + 1)) : 0;
  }
  int thread_count() const { return threads; }
  void thread(int t) {
    if (t == 0 && spawn) {
      std::optional<interleave::thread> child;
      child.emplace([this] { run(program.back(), 0, program.back().size()); });
      run(program[0], 0, static_cast<size_t>(join_after));
      child->join();
      run(program[0], static_cast<size_t>(join_after), program[0].size());
    } else {
      run(program[static_cast<size_t>(t)], 0, program[static_cast<size_t>(t)].size());
    }
  }
  void run(const std::vector<Op>& body, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const Op& op = body[i];
      switch (op.kind) {
        case kPlainLoad: var[op.var].load(); break;
        case kPlainStore: var[op.var].store(1); break;
        case kLockedLoad:
          m.lock();
          var[op.var].load();
          m.unlock();
          break;
        case kLockedStore:
          m.lock();
          var[op.var].store(2);
          m.unlock();
          break;
        case kTryLockedStore:
          if (m.try_lock()) {
            var[op.var].store(3);
            m.unlock();
          }
          break;
        case kAtomicLoad: a.load(); break;
        case kAtomicStore: a.store(1); break;
        case kAtomicAdd: a.fetch_add(1); break;
        case kAtomicExchange: a.exchange(5); break;
        case kKinds: break;
      }
    }
  }
  void invariant() {}

  bool spawn = false;
  int threads = 2;
  int join_after = 0;
  std::vector<std::vector<Op>> program;
  shared<int> var[2] = {shared<int>{"x"}, shared<int>{"y"}};
  atomic<int> a{"a", 0};
  mutex m{"m"};
};

constexpr size_t kMaxOracleSteps = 64;
using StepSet = std::bitset<kMaxOracleSteps>;

bool releases_mutex(const TraceStep& s, const void* m) {
  return (s.op.kind == OpKind::kUnlock && s.op.object == m) ||
         (s.op.kind == OpKind::kWait && s.op.object2 == m);
}
bool acquires_mutex(const TraceStep& s) {
  return s.op.kind == OpKind::kLock || (s.op.kind == OpKind::kTryLock && s.read != 0);
}
bool atomic_rmw(const TraceStep& s) {
  return !s.op.plain && (s.op.kind == OpKind::kExchange || s.op.kind == OpKind::kFetchAdd ||
                         s.op.kind == OpKind::kCompareExchange);
}
bool atomic_store(const TraceStep& s) { return !s.op.plain && s.op.kind == OpKind::kStore; }
bool atomic_load(const TraceStep& s) { return !s.op.plain && s.op.kind == OpKind::kLoad; }

// before[j]: the steps that happen before step j, by the definition in
// race_detector.h, as the transitive closure of edges read off the trace.
std::vector<StepSet> happens_before(const std::vector<TraceStep>& trace) {
  const size_t n = trace.size();
  std::vector<StepSet> before(n);
  auto edge = [&](size_t i, size_t j) {
    before[j].set(i);
    before[j] |= before[i];  // i < j: before[i] is final
  };
  for (size_t j = 0; j < n; ++j) {
    const TraceStep& s = trace[j];
    // Program order, and spawn: the thread's previous step, or for a
    // spawned thread's first step the spawn that started it.
    for (size_t i = j; i-- > 0;) {
      if (trace[i].thread == s.thread) {
        edge(i, j);
        break;
      }
      if (trace[i].op.kind == OpKind::kSpawn && trace[i].has_written &&
          trace[i].written == s.thread) {
        edge(i, j);
        break;
      }
    }
    // Join: the joined thread's last step.
    if (s.op.kind == OpKind::kJoin) {
      for (size_t i = j; i-- > 0;) {
        if (trace[i].thread == s.op.joined) {
          edge(i, j);
          break;
        }
      }
    }
    // Mutex: every earlier release of the mutex, before an acquire.
    if (acquires_mutex(s)) {
      for (size_t i = 0; i < j; ++i) {
        if (releases_mutex(trace[i], s.op.object)) edge(i, j);
      }
    }
    // Atomics: every store or RMW with no plain store of the atomic between
    // it and a later load or RMW.
    if (atomic_load(s) || atomic_rmw(s)) {
      for (size_t i = 0; i < j; ++i) {
        if (trace[i].op.object != s.op.object || !(atomic_store(trace[i]) || atomic_rmw(trace[i]))) {
          continue;
        }
        bool overwritten = false;
        for (size_t k = i + 1; k < j; ++k) {
          overwritten = overwritten || (trace[k].op.object == s.op.object && atomic_store(trace[k]));
        }
        if (!overwritten) edge(i, j);
      }
    }
    // Wake-up: the notify that woke a relock.
    if (s.op.kind == OpKind::kLock && s.op.waker_step >= 0) {
      edge(static_cast<size_t>(s.op.waker_step), j);
    }
  }
  return before;
}

bool plain_conflict(const TraceStep& a, const TraceStep& b) {
  return a.op.plain && b.op.plain && a.op.object == b.op.object && a.thread != b.thread &&
         (a.op.kind == OpKind::kStore || b.op.kind == OpKind::kStore);
}

// The first step that races with an earlier one; -1 if none.
long first_racing_step(const std::vector<TraceStep>& trace, const std::vector<StepSet>& before) {
  for (size_t j = 0; j < trace.size(); ++j) {
    for (size_t i = 0; i < j; ++i) {
      if (plain_conflict(trace[i], trace[j]) && !before[j].test(i)) return static_cast<long>(j);
    }
  }
  return -1;
}

TEST_CASE("oracle: on random programs the detector's verdict is the race read off the trace",
          "[races][oracle]") {
  size_t racy = 0, clean = 0, executions = 0;
  for (int seed = 1; seed <= 120; ++seed) {
    CAPTURE(seed);
    auto params = make_params<RandomRacer>({{"seed", seed}});
    REQUIRE(params.ok());
    ModelAdapter<RandomRacer> model(*params);
    Execution execution;
    DfsStrategy dfs;
    while (dfs.begin_execution()) {
      execution.run(model, dfs);
      ++executions;
      const std::vector<TraceStep>& trace = execution.trace();
      REQUIRE(trace.size() <= kMaxOracleSteps);
      const std::vector<StepSet> before = happens_before(trace);
      const long expected = first_racing_step(trace, before);
      const auto& failure = execution.failure();
      const bool reported = failure && failure->kind == FailureKind::kDataRace;
      // The detector stops the execution at the first race: it is the
      // trace's last step, and the earlier access it names races with it.
      bool agree = false;
      if (expected < 0) {
        agree = !reported;
        ++clean;
      } else {
        ++racy;
        const long earlier = reported ? failure->racing_step : -1;
        agree = reported && static_cast<size_t>(expected) == trace.size() - 1 &&
                failure->step == trace.size() && earlier >= 0 && earlier < expected &&
                plain_conflict(trace[static_cast<size_t>(earlier)], trace.back()) &&
                !before.back().test(static_cast<size_t>(earlier));
      }
      if (agree) continue;  // (one assertion per disagreement keeps the test quick)
      INFO(format_trace(trace));
      INFO("first racing step (0-based) by the oracle: " << expected);
      INFO((failure ? describe_failure(*failure) : std::string("no failure")));
      FAIL_CHECK("the detector and the oracle disagree");
    }
  }
  // Both verdicts occur often: the comparison is not vacuous.
  CHECK(racy > 500);
  CHECK(clean > 500);
  INFO(fmt::format("{} executions: {} racy, {} clean", executions, racy, clean));
  CHECK(executions == racy + clean);
}

// --- The built-in models --------------------------------------------------

TEST_CASE("built-in models: the racy ones fail with a data race, the others keep their verdict",
          "[races]") {
  const std::set<std::string> racy = {"counter.racy", "list.index_increment", "list.linked_push",
                                      "queue.unlocked_ring"};
  for (const RegisteredModel& m : models::builtin().models()) {
    CAPTURE(m.spec.name);
    auto r = models::builtin().check(m.spec.name, {}, CheckOptions{});
    REQUIRE(r.ok());
    INFO(format_check(*r, CheckOptions{}));
    const bool race = r->found_bug() && r->first_failure->failure.kind == FailureKind::kDataRace;
    CHECK(race == racy.contains(m.spec.name));
    CHECK(r->found_bug() == (m.spec.buggy && !m.spec.relaxed_only));
    // `interleave list` says which ones race.
    CHECK((m.spec.summary.find("data race") != std::string::npos) == racy.contains(m.spec.name));
  }
}

}  // namespace
