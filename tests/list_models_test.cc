// The list models (models/list.h): every variant's verdict under exhaustive
// DFS, the exact execution counts of the correct variants, every failure's
// schedule replaying to the same failure, and the correct variants on real
// std::threads (the same source, outside the scheduler).
//
// How the counts follow: a thread waiting for a held mutex is not runnable,
// so when every visible operation of a model sits inside a critical section
// the executions are exactly the orders of the critical sections: the
// multinomial (sum of sections)! / prod(sections of each thread)!.
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/list.h"
#include "tests/dfs_helpers.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/reports/report.h"

namespace {

using namespace interleave;
using namespace models;

template <class M>
Params params_of(std::vector<std::pair<std::string, int64_t>> values = {}) {
  auto params = make_params<M>(values);
  INFO((params ? std::string() : params.error()));
  REQUIRE(params.ok());
  return *params;
}

// A found failure's schedule string replays to the same failure.
template <class M>
void require_replays(const CheckResult& r) {
  REQUIRE(r.found_bug());
  std::string text = r.first_failure->schedule.to_string();
  CAPTURE(text);
  auto replayed = replay_model<M>(text, test::dfs_options().limits);  // as checked
  INFO((replayed ? format_replay(*replayed, {}) : replayed.error()));
  REQUIRE(replayed.ok());
  CHECK(replayed->outcome == Outcome::kFailed);
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(r.first_failure->failure));
  CHECK(replayed->trace.size() == r.first_failure->trace.size());
}

// A correct variant at these parameters: no bug, every schedule covered.
template <class M>
CheckResult require_passes(std::vector<std::pair<std::string, int64_t>> values = {}) {
  CheckOptions options;
  CheckResult r = test::dfs_check<M>(params_of<M>(values), options);
  INFO(format_check(r, options));
  CHECK(r.error.empty());
  CHECK_FALSE(r.found_bug());
  CHECK(r.exhaustive);
  CHECK(r.failing_executions == 0);
  return r;
}

// Runs model M on real threads; returns the first check failure, or "".
template <class M>
std::string run_on_threads(const Params& params) {
  M model(params);
  int n = params.threads();
  std::vector<std::string> errors(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&model, &errors, i] {
      try {
        model.thread(i);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) {
    if (!e.empty()) return e;
  }
  try {
    model.invariant();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The spec is well formed, and `buggy` says what checking it at its
// defaults finds.
template <class M>
void check_spec() {
  ModelSpec spec = M::spec();
  CAPTURE(spec.name);
  CheckOptions options;
  CheckResult r = test::dfs_check<M>(params_of<M>(), options);
  INFO(format_check(r, options));
  CHECK(r.found_bug() == spec.buggy);
  CHECK(r.error.empty());
  CHECK(spec_problem(spec).empty());
  CHECK(spec.name.starts_with("list."));
  CHECK_FALSE(spec.summary.empty());
  CHECK(spec.summary.find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("list models have well-formed specs", "[list]") {
  check_spec<ListAppendLocked>();
  check_spec<ListCheckThenPop>();
  check_spec<ListCheckThenPopLocked>();
  check_spec<ListIndexIncrement>();
  check_spec<ListIndexIncrementLocked>();
  check_spec<ListLinkedPush>();
  check_spec<ListLinkedPushLocked>();
}

TEST_CASE("list.append_locked: appends under the list's lock, none lost", "[list]") {
  // One append is lock, load size, store item, store size, unlock (5 steps),
  // all under the lock: executions are the orders of the appends.
  struct Case {
    int threads, iters;
    uint64_t executions;
  };
  for (Case c : {Case{2, 1, 2}, Case{2, 2, 6}, Case{3, 1, 6}, Case{3, 2, 90}}) {
    CAPTURE(c.threads, c.iters);
    CheckResult r =
        require_passes<ListAppendLocked>({{"threads", c.threads}, {"iters", c.iters}});
    CHECK(r.executions == c.executions);  // (t*i)! / (i!)^t
    CHECK(r.total_steps == c.executions * 5 * c.threads * c.iters);
  }
  // The defaults (2 threads x 2 appends) are the 6-execution case.
  CheckResult r = require_passes<ListAppendLocked>();
  CHECK(r.executions == 6);
}

TEST_CASE("list.check_then_pop: the item is taken between len() and pop()", "[list]") {
  CheckOptions options;
  CheckResult r = test::dfs_check<ListCheckThenPop>(params_of<ListCheckThenPop>(), options);
  INFO(format_check(r, options));
  REQUIRE(r.found_bug());
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.kind == FailureKind::kCheck);
  CHECK(f.failure.thread == 0);
  CHECK(f.failure.message == "pop on empty list: T0 saw 1 item, another thread took it first");
  // DFS: execution 1 runs T0's len() and pop(), then T1 sees 0 items. The
  // deepest untried branch is T0's second lock (after len()): T1 runs len()
  // (3 steps), keeps running its pop() (lock, load, store, load item, unlock),
  // then T0's pop locks and loads size 0 and fails.
  CHECK(f.execution == 2);
  CHECK(f.failure.step == 13);
  CHECK(f.schedule.to_string() == "list.check_then_pop:t2:v1:0001{8}00");
  require_replays<ListCheckThenPop>(r);
}

TEST_CASE("list.check_then_pop --all: 4 of 6 executions pop an empty list", "[list]") {
  // Each consumer runs two critical sections, len() (A) and pop() (B), and
  // every step is inside one, so executions are the orders of the sections.
  // A0 B0 A1 and A1 B1 A0 pass (the second consumer sees 0 items and does
  // not pop); the 4 orders with both len() calls first fail.
  CheckOptions options;
  options.all = true;
  CheckResult r = test::dfs_check<ListCheckThenPop>(params_of<ListCheckThenPop>(), options);
  INFO(format_check(r, options));
  CHECK(r.found_bug());
  CHECK(r.exhaustive);
  CHECK(r.executions == 6);
  CHECK(r.failing_executions == 4);
}

namespace {

// Independent oracle for list.check_then_pop --all, at the level of critical
// sections (every step is inside one, so the scheduler branches only between
// them): each consumer runs len(), then pop() if it saw an item; an execution
// ends when every consumer is done or at the first pop of the empty list.
// state[t]: 0 before len(), 1 saw an item (pop next), 2 done.
void enumerate_pops(std::vector<int>& state, int size, uint64_t& total, uint64_t& failing) {
  bool any = false;
  for (size_t t = 0; t < state.size(); ++t) {
    if (state[t] == 2) continue;
    any = true;
    int saved = state[t];
    if (state[t] == 0) {
      state[t] = size > 0 ? 1 : 2;
      enumerate_pops(state, size, total, failing);
    } else if (size == 0) {
      ++total;  // pop on empty list: the execution ends here
      ++failing;
    } else {
      state[t] = 2;
      enumerate_pops(state, size - 1, total, failing);
    }
    state[t] = saved;
  }
  if (!any) ++total;
}

}  // namespace

TEST_CASE("list.check_then_pop --all agrees with an enumeration of critical sections",
          "[list]") {
  for (int threads : {2, 3, 4}) {
    CAPTURE(threads);
    uint64_t total = 0, failing = 0;
    std::vector<int> state(threads, 0);
    enumerate_pops(state, 1, total, failing);
    CheckOptions options;
    options.all = true;
    CheckResult r = test::dfs_check<ListCheckThenPop>(
        params_of<ListCheckThenPop>({{"threads", threads}}), options);
    INFO(format_check(r, options));
    CHECK(r.exhaustive);
    CHECK(r.executions == total);  // 6, 66, 720
    CHECK(r.failing_executions == failing);  // 4, 60, 696
    // Passing: one consumer's len() and pop() come first, then the others'
    // len() calls see 0, in any order: threads x (threads-1)!.
    uint64_t passing = 1;
    for (int k = 2; k <= threads; ++k) passing *= k;
    CHECK(r.executions - r.failing_executions == passing);
  }
}

TEST_CASE("list.check_then_pop with 3 consumers also pops an empty list", "[list]") {
  CheckOptions options;
  CheckResult r =
      test::dfs_check<ListCheckThenPop>(params_of<ListCheckThenPop>({{"threads", 3}}), options);
  INFO(format_check(r, options));
  REQUIRE(r.found_bug());
  CHECK(r.first_failure->failure.kind == FailureKind::kCheck);
  CHECK_THAT(r.first_failure->failure.message,
             Catch::Matchers::StartsWith("pop on empty list: T") &&
                 Catch::Matchers::EndsWith(" saw 1 item, another thread took it first"));
  require_replays<ListCheckThenPop>(r);
}

TEST_CASE("list.check_then_pop_locked: check and pop under one lock, taken once", "[list]") {
  // Each consumer is one critical section: the first to lock takes the item
  // (lock, load size for the check, then pop's load size, store size, load
  // item, unlock: 6 steps), the others see an empty list (lock, load, unlock:
  // 3 steps). Executions: the orders of the sections, threads!.
  struct Case {
    int threads;
    uint64_t executions;
  };
  for (Case c : {Case{1, 1}, Case{2, 2}, Case{3, 6}, Case{4, 24}}) {
    CAPTURE(c.threads);
    CheckResult r = require_passes<ListCheckThenPopLocked>({{"threads", c.threads}});
    CHECK(r.executions == c.executions);
    CHECK(r.total_steps == c.executions * (6 + 3 * (c.threads - 1)));
  }
}

TEST_CASE("list.index_increment: a[0] = a[0] + 1 loses updates", "[list]") {
  CheckOptions options;
  {
    CheckResult r = test::dfs_check<ListIndexIncrement>(params_of<ListIndexIncrement>(), options);
    INFO(format_check(r, options));
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK(f.failure.kind == FailureKind::kInvariant);
    CHECK(f.failure.message == "lost update: 2 increments, a[0] == 1");
    // Execution 1 runs T0 then T1; execution 2 switches to T1 before T0's store.
    CHECK(f.execution == 2);
    CHECK(f.schedule.to_string() == "list.index_increment:t2,i1:v1:0110");
    require_replays<ListIndexIncrement>(r);
  }
  {
    CheckResult r = test::dfs_check<ListIndexIncrement>(
        params_of<ListIndexIncrement>({{"threads", 3}}), options);
    INFO(format_check(r, options));
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK(f.failure.kind == FailureKind::kInvariant);
    // Execution 2: the deepest branch is before T1's store; T2 loads 1 and
    // stores 2, then T1 stores 2 as well.
    CHECK(f.failure.message == "lost update: 3 increments, a[0] == 2");
    CHECK(f.execution == 2);
    CHECK(f.schedule.to_string() == "list.index_increment:t3,i1:v1:001221");
    require_replays<ListIndexIncrement>(r);
  }
}

TEST_CASE("list.index_increment --all: lost iff both loads precede both stores", "[list]") {
  // 4!/(2!2!) = 6 interleavings of (load, store) x 2; an update is lost when
  // both loads come first: 2 orders of the loads x 2 of the stores = 4.
  CheckOptions options;
  options.all = true;
  CheckResult r = test::dfs_check<ListIndexIncrement>(params_of<ListIndexIncrement>(), options);
  INFO(format_check(r, options));
  CHECK(r.exhaustive);
  CHECK(r.executions == 6);
  CHECK(r.failing_executions == 4);
}

TEST_CASE("list.index_increment_locked: no update lost", "[list]") {
  // One increment is lock, load, store, unlock: executions are the orders of
  // the increments, (t*i)! / (i!)^t.
  struct Case {
    int threads, iters;
    uint64_t executions;
  };
  for (Case c : {Case{2, 1, 2}, Case{2, 2, 6}, Case{3, 1, 6}, Case{3, 2, 90}}) {
    CAPTURE(c.threads, c.iters);
    CheckResult r =
        require_passes<ListIndexIncrementLocked>({{"threads", c.threads}, {"iters", c.iters}});
    CHECK(r.executions == c.executions);
    CHECK(r.total_steps == c.executions * 4 * c.threads * c.iters);
  }
}

TEST_CASE("list.linked_push: an unlocked push loses a node", "[list]") {
  CheckOptions options;
  CheckResult r = test::dfs_check<ListLinkedPush>(params_of<ListLinkedPush>(), options);
  INFO(format_check(r, options));
  REQUIRE(r.found_bug());
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.kind == FailureKind::kInvariant);
  CHECK(f.failure.message == "lost node: 2 pushes, 1 node reachable");
  // Execution 2: T0 reads head (null) and links node 0 to it; T1 pushes node
  // 1 completely; T0 writes head = 0, and node 1 is unreachable.
  CHECK(f.execution == 2);
  CHECK(f.schedule.to_string() == "list.linked_push:t2,i1:v1:001110");
  require_replays<ListLinkedPush>(r);
}

TEST_CASE("list.linked_push --all: only fully serial pushes keep every node", "[list]") {
  // The reachable chain is the last push to write head, then the push whose
  // head write was the last before that push read head, and so on; it holds
  // all n nodes iff the pushes' [read head, write head] intervals are
  // disjoint, i.e. the pushes ran one after another. So of the
  // (3ti)! / ((3i)!)^t interleavings, the passing ones are the orders of
  // whole pushes, (ti)! / (i!)^t.
  struct Case {
    int threads, iters;
    uint64_t executions, passing;
  };
  for (Case c : {Case{2, 1, 20, 2}, Case{2, 2, 924, 6}, Case{3, 1, 1680, 6}}) {
    CAPTURE(c.threads, c.iters);
    CheckOptions options;
    options.all = true;
    CheckResult r = test::dfs_check<ListLinkedPush>(
        params_of<ListLinkedPush>({{"threads", c.threads}, {"iters", c.iters}}), options);
    INFO(format_check(r, options));
    CHECK(r.exhaustive);
    CHECK(r.executions == c.executions);
    CHECK(r.executions - r.failing_executions == c.passing);
    CHECK(r.total_steps == c.executions * 3 * c.threads * c.iters);
  }
}

TEST_CASE("list.linked_push with 2 pushes per thread also loses nodes", "[list]") {
  CheckOptions options;
  CheckResult r =
      test::dfs_check<ListLinkedPush>(params_of<ListLinkedPush>({{"iters", 2}}), options);
  INFO(format_check(r, options));
  REQUIRE(r.found_bug());
  CHECK(r.first_failure->failure.kind == FailureKind::kInvariant);
  CHECK_THAT(r.first_failure->failure.message,
             Catch::Matchers::StartsWith("lost node: 4 pushes, "));
  require_replays<ListLinkedPush>(r);
}

TEST_CASE("list.linked_push_locked: every node stays reachable", "[list]") {
  // One push is lock, read head, write next, write head, unlock: executions
  // are the orders of the pushes, (t*i)! / (i!)^t.
  struct Case {
    int threads, iters;
    uint64_t executions;
  };
  for (Case c : {Case{2, 1, 2}, Case{2, 2, 6}, Case{3, 1, 6}, Case{3, 2, 90}}) {
    CAPTURE(c.threads, c.iters);
    CheckResult r =
        require_passes<ListLinkedPushLocked>({{"threads", c.threads}, {"iters", c.iters}});
    CHECK(r.executions == c.executions);
    CHECK(r.total_steps == c.executions * 5 * c.threads * c.iters);
  }
}

TEST_CASE("list models: the correct variants pass at their defaults", "[list]") {
  CHECK(require_passes<ListAppendLocked>().executions == 6);        // 2 threads x 2 appends
  CHECK(require_passes<ListCheckThenPopLocked>().executions == 2);  // 2 consumers
  CHECK(require_passes<ListIndexIncrementLocked>().executions == 2);  // 2 x 1
  CHECK(require_passes<ListLinkedPushLocked>().executions == 2);      // 2 x 1
}

TEST_CASE("list models: correct variants on real threads keep their invariants",
          "[list][native]") {
  for (int round = 0; round < 50; ++round) {
    CAPTURE(round);
    CHECK(run_on_threads<ListAppendLocked>(
              params_of<ListAppendLocked>({{"threads", 4}, {"iters", 8}})) == "");
    CHECK(run_on_threads<ListCheckThenPopLocked>(
              params_of<ListCheckThenPopLocked>({{"threads", 8}})) == "");
    CHECK(run_on_threads<ListIndexIncrementLocked>(
              params_of<ListIndexIncrementLocked>({{"threads", 4}, {"iters", 1000}})) == "");
    CHECK(run_on_threads<ListLinkedPushLocked>(
              params_of<ListLinkedPushLocked>({{"threads", 4}, {"iters", 8}})) == "");
  }
}

TEST_CASE("list models: a buggy variant's failure on real threads is a CheckFailure",
          "[list][native]") {
  // Natively there is no scheduler: whether T1 loses the race is up to the
  // OS, but a single consumer is deterministic. Calling pop() on the empty
  // list must throw (not index out of bounds).
  ListCheckThenPop model(params_of<ListCheckThenPop>());
  model.thread(0);
  CHECK(model.list.size.load() == 0);
  CHECK_THROWS_AS(model.list.pop(1, 1), CheckFailure);
  CHECK_THROWS_WITH(model.list.pop(1, 1),
                    "pop on empty list: T1 saw 1 item, another thread took it first");
}
