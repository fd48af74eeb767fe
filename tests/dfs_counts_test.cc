// Exact numbers of executions (and steps) explored by the exhaustive DFS, on
// tiny test-local models whose interleavings can be counted by hand, and on
// the counter models.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/counter.h"
#include "tests/dfs_helpers.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"

namespace {

using namespace interleave;

// Up to three threads; thread i performs sizes[i] visible operations, all on
// its own shared<int> (alternately a store and a load), so no two threads
// interact and every interleaving of the operations is a distinct execution:
// the count is the multinomial (s0+s1+s2)! / (s0! s1! s2!).
struct Independent {
  static ModelSpec spec() {
    return {"test.independent",
            "threads that touch only their own variable",
            {threads_param(2, 3),
             ParamSpec{"s0", "a", 1, 0, 8, "steps of T0"},
             ParamSpec{"s1", "b", 1, 0, 8, "steps of T1"},
             ParamSpec{"s2", "c", 0, 0, 8, "steps of T2"}}};
  }
  explicit Independent(const Params& p)
      : threads(p.threads()),
        sizes{static_cast<int>(p.get("s0")), static_cast<int>(p.get("s1")),
              static_cast<int>(p.get("s2"))} {}

  int thread_count() const { return threads; }

  void thread(int index) {
    shared<int>& own = *vars[index];
    for (int j = 0; j < sizes[index]; ++j) {
      if (j % 2 == 0) {
        own.store(j + 1);
      } else {
        int v = own.load();
        check(v == j, "T{} step {} read {}, its own last store was {}", index, j, v, j);
      }
    }
  }
  void invariant() {
    for (int i = 0; i < threads; ++i) {
      int expected = sizes[i] == 0 ? 0 : ((sizes[i] - 1) / 2) * 2 + 1;
      check(vars[i]->load() == expected, "T{}'s variable is {}, expected {}", i, vars[i]->load(),
            expected);
    }
  }

  int threads;
  std::array<int, 3> sizes;
  shared<int> v0{"v0", 0}, v1{"v1", 0}, v2{"v2", 0};
  std::array<shared<int>*, 3> vars{&v0, &v1, &v2};
};

Params independent_params(std::vector<int> sizes) {
  std::vector<std::pair<std::string, int64_t>> values;
  values.emplace_back("threads", static_cast<int64_t>(sizes.size()));
  const char* names[] = {"s0", "s1", "s2"};
  for (size_t i = 0; i < sizes.size(); ++i) values.emplace_back(names[i], sizes[i]);
  auto params = Params::make("test.independent", Independent::spec().params, values);
  REQUIRE(params.ok());
  return *params;
}

uint64_t factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

uint64_t multinomial(const std::vector<int>& sizes) {
  int total = 0;
  uint64_t denominator = 1;
  for (int s : sizes) {
    total += s;
    denominator *= factorial(s);
  }
  return factorial(total) / denominator;
}

template <class M>
Params counter_params(int threads, int iters) {
  auto params = Params::make(M::spec().name, M::spec().params,
                             {{"threads", threads}, {"iters", iters}});
  REQUIRE(params.ok());
  return *params;
}

}  // namespace

TEST_CASE("two threads of k independent steps: C(2k, k) executions", "[dfs]") {
  const uint64_t expected[] = {0, 2, 6, 20, 70};
  for (int k = 1; k <= 4; ++k) {
    CAPTURE(k);
    CheckResult r = test::dfs_check<Independent>(independent_params({k, k}));
    REQUIRE_FALSE(r.found_bug());
    REQUIRE(r.error.empty());
    CHECK(r.executions == expected[k]);
    CHECK(r.executions == multinomial({k, k}));
    CHECK(r.failing_executions == 0);
    CHECK(r.exhaustive);
    CHECK(r.total_steps == expected[k] * 2 * k);
    CHECK(r.strategy == "dfs");
    CHECK(r.model == "test.independent");
  }
}

TEST_CASE("independent threads of unequal sizes: multinomial executions", "[dfs]") {
  struct Case {
    std::vector<int> sizes;
    uint64_t executions;
  };
  const Case cases[] = {
      {{1, 1, 1}, 6},   // 3!
      {{2, 1}, 3},      // 3! / 2!
      {{1, 2}, 3},      //
      {{2, 2, 1}, 30},  // 5! / (2! 2!)
      {{3}, 1},         // one thread: one schedule
      {{4, 1}, 5},      // 5! / 4!
      {{2, 0, 1}, 3},   // a thread with no visible operation adds nothing
      {{0, 0}, 1},      // no visible operation at all: one (empty) execution
  };
  for (const Case& c : cases) {
    CAPTURE(c.sizes);
    CheckResult r = test::dfs_check<Independent>(independent_params(c.sizes));
    REQUIRE_FALSE(r.found_bug());
    REQUIRE(r.error.empty());
    CHECK(r.executions == c.executions);
    CHECK(r.executions == multinomial(c.sizes));
    CHECK(r.exhaustive);
    uint64_t steps = 0;
    for (int s : c.sizes) steps += s;
    CHECK(r.total_steps == c.executions * steps);
  }
}

namespace {

// The order in which threads performed their steps, one digit per step,
// appended right after each visible operation (before the next scheduling
// point, so it is exactly the schedule). Each execution's order is collected
// by the invariant.
std::string g_order;
std::vector<std::string> g_executions;

struct Logged {
  static ModelSpec spec() {
    return {"test.logged", "two threads of two steps, logging the order", {threads_param(2, 2)}};
  }
  explicit Logged(const Params&) { g_order.clear(); }

  void thread(int index) {
    shared<int>& own = index == 0 ? a : b;
    own.store(1);
    g_order += char('0' + index);
    own.store(2);
    g_order += char('0' + index);
  }
  void invariant() { g_executions.push_back(g_order); }

  shared<int> a{"a", 0}, b{"b", 0};
};

}  // namespace

TEST_CASE("DFS order: the running thread continues first, then others in thread order", "[dfs]") {
  g_executions.clear();
  auto params = Params::make("test.logged", Logged::spec().params, {});
  REQUIRE(params.ok());
  CheckResult r = test::dfs_check<Logged>(*params);
  CHECK(r.executions == 6);
  CHECK(r.exhaustive);
  // Each execution is distinct, and they come in DFS order: at each new
  // branch the thread that ran last keeps running.
  CHECK(g_executions ==
        std::vector<std::string>{"0011", "0110", "0101", "1100", "1001", "1010"});
}

TEST_CASE("counter.atomic: 2x2 gives 6 executions, 3x2 gives 90", "[dfs][counter]") {
  using models::CounterAtomic;
  {
    CheckResult r = test::dfs_check<CounterAtomic>(counter_params<CounterAtomic>(2, 2));
    CHECK_FALSE(r.found_bug());
    CHECK(r.error.empty());
    CHECK(r.executions == 6);
    CHECK(r.exhaustive);
    CHECK(r.total_steps == 6 * 4);  // one fetch_add per increment
    CHECK(r.model == "counter.atomic");
    CHECK(r.params.describe() == "threads=2 iters=2");
  }
  {
    CheckResult r = test::dfs_check<CounterAtomic>(counter_params<CounterAtomic>(3, 2));
    CHECK_FALSE(r.found_bug());
    CHECK(r.executions == 90);  // 6! / (2! 2! 2!)
    CHECK(r.exhaustive);
    CHECK(r.total_steps == 90 * 6);
  }
}

TEST_CASE("counter.locked: critical sections are contiguous, 6 and 90 executions",
          "[dfs][counter]") {
  using models::CounterLocked;
  {
    // Each critical section is lock, load, store, unlock: 4 steps. A thread
    // waiting for the held mutex is not runnable, so executions are the
    // orders of the 4 critical sections: 4! / (2! 2!) = 6.
    CheckResult r = test::dfs_check<CounterLocked>(counter_params<CounterLocked>(2, 2));
    CHECK_FALSE(r.found_bug());
    CHECK(r.error.empty());
    CHECK(r.executions == 6);
    CHECK(r.exhaustive);
    CHECK(r.total_steps == 6 * 2 * 2 * 4);
  }
  {
    CheckResult r = test::dfs_check<CounterLocked>(counter_params<CounterLocked>(3, 2));
    CHECK_FALSE(r.found_bug());
    CHECK(r.executions == 90);
    CHECK(r.exhaustive);
    CHECK(r.total_steps == 90 * 3 * 2 * 4);
  }
  {
    CheckResult r = test::dfs_check<CounterLocked>(counter_params<CounterLocked>(1, 3));
    CHECK(r.executions == 1);
    CHECK(r.total_steps == 12);
  }
}

TEST_CASE("counter.racy 2x1: stops at the first failure, execution 2", "[dfs][counter]") {
  using models::CounterRacy;
  CheckResult r = test::dfs_check<CounterRacy>(counter_params<CounterRacy>(2, 1));
  REQUIRE(r.found_bug());
  CHECK(r.executions == 2);
  CHECK(r.failing_executions == 1);
  CHECK_FALSE(r.exhaustive);  // stopped early
  CHECK(r.total_steps == 8);
  const FoundFailure& f = *r.first_failure;
  CHECK(f.execution == 2);
  CHECK(f.failure.kind == FailureKind::kInvariant);
  CHECK(f.failure.message == "lost update: 2 increments, counter == 1");
  CHECK(f.failure.thread == kNoThread);
  CHECK(f.failure.step == 4);
  CHECK(f.schedule.to_string() == "counter.racy:t2,i1:v1:0110");
  CHECK(f.trace.size() == 4);
}

TEST_CASE("counter.racy 2x1 --all: 4 of 6 executions lose an update", "[dfs][counter]") {
  using models::CounterRacy;
  CheckOptions options;
  options.all = true;
  CheckResult r = test::dfs_check<CounterRacy>(counter_params<CounterRacy>(2, 1), options);
  REQUIRE(r.found_bug());
  CHECK(r.error.empty());
  CHECK(r.executions == 6);
  // Lost iff both loads precede both stores: 2 orders of the loads x 2 of the stores.
  CHECK(r.failing_executions == 4);
  CHECK(r.exhaustive);
  CHECK(r.total_steps == 6 * 4);
  CHECK(r.first_failure->execution == 2);
}

namespace {

// Independent oracle for counter.racy: enumerates every interleaving of the
// threads' load/store sequences and simulates them.
void enumerate_racy(int threads, int iters, std::vector<int>& pc, std::vector<int>& loaded,
                    int counter, uint64_t& total, uint64_t& lost) {
  bool any = false;
  for (int t = 0; t < threads; ++t) {
    if (pc[t] == 2 * iters) continue;
    any = true;
    int saved_counter = counter, saved_loaded = loaded[t];
    int next_counter = counter;
    if (pc[t] % 2 == 0) {
      loaded[t] = counter;
    } else {
      next_counter = loaded[t] + 1;
    }
    ++pc[t];
    enumerate_racy(threads, iters, pc, loaded, next_counter, total, lost);
    --pc[t];
    loaded[t] = saved_loaded;
    counter = saved_counter;
  }
  if (!any) {
    ++total;
    if (counter != threads * iters) ++lost;
  }
}

}  // namespace

TEST_CASE("counter.racy --all agrees with a brute-force oracle", "[dfs][counter]") {
  using models::CounterRacy;
  struct Size {
    int threads, iters;
  };
  for (Size s : {Size{2, 1}, Size{2, 2}, Size{3, 1}, Size{2, 3}}) {
    CAPTURE(s.threads, s.iters);
    uint64_t total = 0, lost = 0;
    std::vector<int> pc(s.threads, 0), loaded(s.threads, 0);
    enumerate_racy(s.threads, s.iters, pc, loaded, 0, total, lost);
    CheckOptions options;
    options.all = true;
    CheckResult r = test::dfs_check<CounterRacy>(counter_params<CounterRacy>(s.threads, s.iters),
                                             options);
    CHECK(r.executions == total);
    CHECK(r.failing_executions == lost);
    CHECK(r.exhaustive);
    CHECK(r.total_steps == total * 2 * s.threads * s.iters);
  }
}
