// How executions fail: deadlock, step bound, exceptions, check() in a thread
// body and in the invariant, mutex misuse, and thread spawn/join.
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/dfs_helpers.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"
#include "scheduler/strategies/schedule.h"
#include "tests/test_models.h"

namespace {

using namespace interleave;
using test::Abba;
using Catch::Contains;

template <class M>
Params params_of(std::vector<std::pair<std::string, int64_t>> values = {}) {
  auto params = Params::make(M::spec().name, M::spec().params, values);
  REQUIRE(params.ok());
  return *params;
}

template <class M>
CheckResult check_all(std::vector<std::pair<std::string, int64_t>> values = {}) {
  CheckOptions options;
  options.all = true;
  return test::dfs_check<M>(params_of<M>(values), options);
}

template <class M>
Expected<ReplayResult> replay_string(const std::string& text, const ExecutionLimits& limits = {}) {
  Registry registry;
  registry.add<M>();
  return registry.replay(text, limits);
}

bool ends_with_this_file(const std::source_location& loc) {
  return std::string_view(loc.file_name()).ends_with("failures_test.cc");
}

// ---------------------------------------------------------------------------
// Deadlock: test::Abba.

}  // namespace

TEST_CASE("ABBA locking deadlocks, naming each thread and what it waits for", "[deadlock]") {
  CheckResult r = test::dfs_check<Abba>(params_of<Abba>());
  REQUIRE(r.found_bug());
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.kind == FailureKind::kDeadlock);
  CHECK_THAT(f.failure.message, Contains("T0 waits to lock b (held by T1)"));
  CHECK_THAT(f.failure.message, Contains("T1 waits to lock a (held by T0)"));
  CHECK(f.failure.message == "deadlock: T0 waits to lock b (held by T1), T1 waits to lock a "
                             "(held by T0)");
  CHECK(f.failure.thread == kNoThread);
  CHECK(f.failure.step == 2);
  CHECK(f.schedule.to_string() == "test.abba::v1:01");
  CHECK(f.execution == 3);
  CHECK_FALSE(r.exhaustive);

  auto replayed = replay_string<Abba>(f.schedule.to_string());
  REQUIRE(replayed.ok());
  CHECK(replayed->outcome == Outcome::kFailed);
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->kind == FailureKind::kDeadlock);
  CHECK(replayed->failure->message == f.failure.message);
  REQUIRE(replayed->trace.size() == 2);
  CHECK(replayed->trace[0].op.kind == OpKind::kLock);
  CHECK(std::string_view(replayed->trace[0].op.name) == "a");
  CHECK(replayed->trace[1].thread == 1);
  CHECK(std::string_view(replayed->trace[1].op.name) == "b");
}

TEST_CASE("ABBA --all: 2 of 6 executions deadlock", "[deadlock]") {
  // A thread that takes both locks first lets the other in only after its
  // unlock of the inner lock: 2 passing orders for each thread going first;
  // the 2 orders in which both take their first lock deadlock.
  CheckResult r = check_all<Abba>();
  CHECK(r.executions == 6);
  CHECK(r.failing_executions == 2);
  CHECK(r.exhaustive);
}

namespace {

struct DoubleLock {
  static ModelSpec spec() { return {"test.doublelock", "locks its own mutex twice", {}}; }
  explicit DoubleLock(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    m.lock();
    m.lock();
    m.unlock();
    m.unlock();
  }
  void invariant() {}
  mutex m{"m"};
};

}  // namespace

TEST_CASE("locking a held mutex again deadlocks, naming the thread itself", "[deadlock]") {
  CheckResult r = test::dfs_check<DoubleLock>(params_of<DoubleLock>());
  REQUIRE(r.found_bug());
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kDeadlock);
  CHECK(f.message == "deadlock: T0 waits to lock m (held by T0)");
  CHECK(f.step == 1);
  CHECK(r.executions == 1);
}

// ---------------------------------------------------------------------------
// Step bound.

namespace {

struct Spin {
  static ModelSpec spec() {
    return {"test.spin", "T0 waits for a flag nobody sets", {threads_param(1, 2)}};
  }
  // These tests are about the step bound: spin detection, which would hold
  // T0 after two iterations and report a livelock (tests/spin_wait_test.cc),
  // is off, so T0 spins on until the bound.
  explicit Spin(const Params&) {}
  void thread(int index) {
    if (index == 0) {
      while (flag.load() == 0) {
      }
    }
  }
  void invariant() {}
  shared<int> flag{"flag", 0};
};

// Limits with spin detection off (see Spin).
ExecutionLimits without_spin_detection(ExecutionLimits limits = {}) {
  limits.detect_spins = false;
  return limits;
}

}  // namespace

TEST_CASE("a spinning thread hits the default step bound of 10,000", "[stepbound]") {
  CheckOptions options;
  options.limits = without_spin_detection();
  CheckResult r = test::dfs_check<Spin>(params_of<Spin>(), options);
  REQUIRE(r.found_bug());
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.kind == FailureKind::kStepBound);
  CHECK_THAT(f.failure.message, Contains("possible livelock"));
  CHECK_THAT(f.failure.message, Contains("10000"));
  CHECK(f.failure.step == 10000);
  CHECK(f.trace.size() == 10000);
  CHECK(f.schedule.to_string() == "test.spin:t1:v1:0{10000}");
  CHECK(r.executions == 1);

  auto replayed = replay_string<Spin>(f.schedule.to_string(), without_spin_detection());
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->kind == FailureKind::kStepBound);
  CHECK(replayed->failure->step == 10000);
  CHECK(replayed->failure->message == f.failure.message);
  CHECK(replayed->trace.size() == 10000);
}

TEST_CASE("a spinning thread hits a custom step bound of 50", "[stepbound]") {
  CheckOptions options;
  options.limits.max_steps = 50;
  options.limits.detect_spins = false;
  for (int threads : {1, 2}) {
    CAPTURE(threads);
    CheckResult r = test::dfs_check<Spin>(params_of<Spin>({{"threads", threads}}), options);
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK(f.failure.kind == FailureKind::kStepBound);
    CHECK_THAT(f.failure.message, Contains("possible livelock"));
    CHECK_THAT(f.failure.message, Contains("50"));
    CHECK(f.failure.step == 50);
    CHECK(f.trace.size() == 50);
    std::string text = f.schedule.to_string();
    CHECK(text == "test.spin:t" + std::to_string(threads) + ":v1:0{50}");

    // Replayed with the same bound: the same failure.
    auto replayed = replay_string<Spin>(text, options.limits);
    REQUIRE(replayed.ok());
    REQUIRE(replayed->failure.has_value());
    CHECK(replayed->failure->kind == FailureKind::kStepBound);
    CHECK(replayed->failure->step == 50);
    CHECK(replayed->failure->message == f.failure.message);

    // Under the default bound the execution goes on past the schedule's end.
    auto unbounded = replay_string<Spin>(text, without_spin_detection());
    REQUIRE_FALSE(unbounded.ok());
    CHECK_THAT(unbounded.error(), Contains("ends after 50 steps"));
  }
}

namespace {

// Exactly n stores, one thread.
struct Steps {
  static ModelSpec spec() {
    return {"test.steps", "n stores", {ParamSpec{"n", "n", 10, 1, 100, "stores"}}};
  }
  explicit Steps(const Params& p) : n(static_cast<int>(p.get("n"))) {}
  int thread_count() const { return 1; }
  void thread(int) {
    for (int i = 0; i < n; ++i) x.store(i);
  }
  void invariant() {}
  int n;
  shared<int> x{"x", 0};
};

}  // namespace

TEST_CASE("the step bound is exact: n steps pass under max_steps n, fail under n-1",
          "[stepbound]") {
  CheckOptions options;
  options.limits.max_steps = 20;
  CheckResult pass = test::dfs_check<Steps>(params_of<Steps>({{"n", 20}}), options);
  CHECK_FALSE(pass.found_bug());
  CHECK(pass.exhaustive);
  CHECK(pass.total_steps == 20);

  options.limits.max_steps = 19;
  CheckResult fail = test::dfs_check<Steps>(params_of<Steps>({{"n", 20}}), options);
  REQUIRE(fail.found_bug());
  CHECK(fail.first_failure->failure.kind == FailureKind::kStepBound);
  CHECK(fail.first_failure->failure.step == 19);
}

// ---------------------------------------------------------------------------
// Exceptions.

namespace {

struct Throws {
  static ModelSpec spec() {
    return {"test.throws",
            "T0 throws, before (when=0) or after (when=1) a visible operation",
            {ParamSpec{"when", "w", 1, 0, 1, "visible operations before the throw"},
             ParamSpec{"kind", "k", 0, 0, 1, "0: std::runtime_error, 1: an int"}}};
  }
  explicit Throws(const Params& p)
      : when(static_cast<int>(p.get("when"))), kind(static_cast<int>(p.get("kind"))) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      if (when == 1) x.store(1);
      if (kind == 0) throw std::runtime_error("boom");
      throw 42;
    }
    y.store(1);
  }
  void invariant() {}
  int when, kind;
  shared<int> x{"x", 0}, y{"y", 0};
};

}  // namespace

TEST_CASE("an exception escaping a thread body is a failure, not an abort", "[exception]") {
  for (int when : {0, 1}) {
    CAPTURE(when);
    CheckResult r = test::dfs_check<Throws>(params_of<Throws>({{"when", when}, {"kind", 0}}));
    REQUIRE(r.found_bug());
    const Failure& f = r.first_failure->failure;
    CHECK(f.kind == FailureKind::kException);
    CHECK_THAT(f.message, Contains("boom"));
    CHECK(f.message == "exception in T0: boom");
    CHECK(f.thread == 0);
    CHECK(f.location.line() == 0);
    CHECK(r.executions == 1);
    CHECK(f.step == static_cast<size_t>(when));
  }
}

TEST_CASE("an exception of unknown type is a failure too", "[exception]") {
  CheckResult r = test::dfs_check<Throws>(params_of<Throws>({{"when", 1}, {"kind", 1}}));
  REQUIRE(r.found_bug());
  CHECK(r.first_failure->failure.kind == FailureKind::kException);
  CHECK_THAT(r.first_failure->failure.message, Contains("exception in T0: "));
  CHECK_THAT(r.first_failure->failure.message, Contains("unknown type"));
  CHECK(r.first_failure->failure.thread == 0);
}

TEST_CASE("exceptions: --all counts every execution in which T0 throws", "[exception]") {
  // when=1: T0 stores then throws (the execution ends there); T1 stores.
  // Executions: T0 first (ends at T0's throw), or T1 first then T0: 2.
  CheckOptions options;
  options.all = true;
  CheckResult r = test::dfs_check<Throws>(params_of<Throws>({{"when", 1}, {"kind", 0}}), options);
  CHECK(r.executions == 2);
  CHECK(r.failing_executions == 2);
  CHECK(r.exhaustive);
}

// ---------------------------------------------------------------------------
// check() and fail().

namespace {

// Lines of the checks below, recorded on the same source line as each check.
int g_thread_check_line = 0;
int g_fail_line = 0;
int g_invariant_check_line = 0;

// T0 stores 1 to x; T1 checks it reads 1 (fails when it runs first) and
// stores 2. mode 1: each thread calls fail() after its first step. mode 2:
// only T0 runs, so the invariant fails.
struct CheckInThread {
  static ModelSpec spec() { return {"test.check", "T1 checks T0's store", {}}; }
  explicit CheckInThread(const Params&) {}
  int thread_count() const { return mode == 2 ? 1 : 2; }
  void thread(int index) {
    if (index == 0) x.store(1);
    if (index == 1) {
      int v = x.load();
      g_thread_check_line = __LINE__; check(v == 1, "T1 read {}", v);
      x.store(2);
    }
    if (mode == 1) {
      g_fail_line = __LINE__; fail("T{} gave up", index);
    }
  }
  void invariant() {
    g_invariant_check_line = __LINE__; check(x.load() == 2, "x is {} at the end", x.load());
    if (mode == 2) check(false, "a second failing check in the invariant is not kept");
  }
  static inline int mode = 0;
  shared<int> x{"x", 0};
};

}  // namespace

TEST_CASE("check() in a thread body fails with its source line and thread", "[check]") {
  CheckInThread::mode = 0;
  CheckResult r = test::dfs_check<CheckInThread>(params_of<CheckInThread>());
  REQUIRE(r.found_bug());
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.kind == FailureKind::kCheck);
  CHECK(f.failure.message == "T1 read 0");
  CHECK(f.failure.thread == 1);
  CHECK(f.failure.location.line() == static_cast<unsigned>(g_thread_check_line));
  CHECK(ends_with_this_file(f.failure.location));
  CHECK(f.failure.step == 1);
  CHECK(f.execution == 2);
  CHECK(f.schedule.choices == std::vector<ThreadId>{1});

  auto replayed = replay_string<CheckInThread>(f.schedule.to_string());
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(f.failure));
}

TEST_CASE("fail() in a thread body fails with its line", "[check]") {
  CheckInThread::mode = 1;
  CheckResult r = test::dfs_check<CheckInThread>(params_of<CheckInThread>());
  CheckInThread::mode = 0;
  REQUIRE(r.found_bug());
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kCheck);
  CHECK(f.message == "T0 gave up");
  CHECK(f.thread == 0);
  CHECK(f.location.line() == static_cast<unsigned>(g_fail_line));
  CHECK(f.step == 1);
  CHECK(r.executions == 1);
}

TEST_CASE("check() in the invariant: kInvariant, its line, the first failure kept", "[check]") {
  // One thread: T0 stores 1 and nobody stores 2, so the invariant fails.
  CheckInThread::mode = 2;
  CheckResult r = test::dfs_check<CheckInThread>(params_of<CheckInThread>());
  CheckInThread::mode = 0;
  REQUIRE(r.found_bug());
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kInvariant);
  CHECK(f.message == "x is 1 at the end");
  CHECK(f.thread == kNoThread);
  CHECK(f.location.line() == static_cast<unsigned>(g_invariant_check_line));
  CHECK(ends_with_this_file(f.location));
  CHECK(f.step == 1);
}

TEST_CASE("check() outside any execution throws CheckFailure", "[check]") {
  CHECK_THROWS_AS(check(1 + 1 == 3, "arithmetic is broken: {}", 3), CheckFailure);
  CHECK_NOTHROW(check(true, "never shown"));
  int line = 0;
  try {
    line = __LINE__; check(false, "value {}", 7);
    FAIL("check(false) returned");
  } catch (const CheckFailure& e) {
    CHECK(std::string(e.what()) == "value 7");
    CHECK(e.location().line() == static_cast<unsigned>(line));
  }
}

// ---------------------------------------------------------------------------
// Mutex misuse and try_lock.

namespace {

int g_unlock_line = 0;

// threads=1: T0 unlocks m, which nobody holds. threads=2: T0 locks m and
// finishes holding it; T1 unlocks it if it sees T0's flag.
struct UnlockNotHeld {
  static ModelSpec spec() {
    return {"test.unlock", "unlocks a mutex it does not hold", {threads_param(1, 2)}};
  }
  explicit UnlockNotHeld(const Params& p) : threads(p.threads()) {}
  void thread(int index) {
    if (threads == 1) {
      g_unlock_line = __LINE__; m.unlock();
      return;
    }
    if (index == 0) {
      m.lock();
      flag.store(1);
      return;  // finishes holding m
    }
    if (flag.load() == 1) m.unlock();
  }
  void invariant() {}
  int threads;
  mutex m{"m"};
  shared<int> flag{"flag", 0};
};

}  // namespace

TEST_CASE("unlocking a mutex nobody holds is a check failure", "[mutex]") {
  CheckResult r = test::dfs_check<UnlockNotHeld>(params_of<UnlockNotHeld>({{"threads", 1}}));
  REQUIRE(r.found_bug());
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kCheck);
  CHECK(f.message == "T0 unlocks m, which is not locked");
  CHECK(f.thread == 0);
  CHECK(f.location.line() == static_cast<unsigned>(g_unlock_line));
  CHECK(f.step == 1);
}

TEST_CASE("unlocking a mutex another thread holds is a check failure", "[mutex]") {
  CheckResult r = test::dfs_check<UnlockNotHeld>(params_of<UnlockNotHeld>({{"threads", 2}}));
  REQUIRE(r.found_bug());
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kCheck);
  CHECK(f.message == "T1 unlocks m, which T0 holds");
  CHECK(f.thread == 1);
  CHECK(r.first_failure->execution == 1);
  CHECK(r.first_failure->schedule.to_string() == "test.unlock:t2:v1:0011");
}

namespace {

int g_try_failed = 0;
int g_try_succeeded = 0;

// T0 locks and unlocks m; T1 try_locks it (and unlocks if it got it).
struct TryLock {
  static ModelSpec spec() { return {"test.trylock", "try_lock against lock", {}}; }
  explicit TryLock(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      m.lock();
      m.unlock();
      return;
    }
    got = m.try_lock();
    if (got) m.unlock();
  }
  void invariant() { ++(got ? g_try_succeeded : g_try_failed); }
  mutex m{"m"};
  bool got = false;
};

struct TryLockOwn {
  static ModelSpec spec() { return {"test.trylockown", "try_lock of a mutex one holds", {}}; }
  explicit TryLockOwn(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    m.lock();
    bool again = m.try_lock();
    check(!again, "try_lock of a held mutex succeeded");
    m.unlock();
    bool free = m.try_lock();
    check(free, "try_lock of a free mutex failed");
    m.unlock();
  }
  void invariant() {}
  mutex m{"m"};
};

}  // namespace

TEST_CASE("try_lock returns false exactly when the mutex is held", "[mutex]") {
  g_try_failed = g_try_succeeded = 0;
  CheckResult r = test::dfs_check<TryLock>(params_of<TryLock>());
  CHECK_FALSE(r.found_bug());
  // try_lock before T0's lock: T1 holds it, T0 waits (1 execution); between
  // T0's lock and unlock: false (1); after T0's unlock: true (1).
  CHECK(r.executions == 3);
  CHECK(r.exhaustive);
  CHECK(g_try_failed == 1);
  CHECK(g_try_succeeded == 2);
  CHECK(r.total_steps == 4 + 3 + 4);

  CheckResult own = test::dfs_check<TryLockOwn>(params_of<TryLockOwn>());
  CHECK_FALSE(own.found_bug());
  CHECK(own.executions == 1);
  CHECK(own.total_steps == 5);  // lock, try_lock, unlock, try_lock, unlock

  // The trace shows try_lock's result as the value read.
  auto replayed = replay_string<TryLock>("test.trylock::v1:010");
  REQUIRE(replayed.ok());
  REQUIRE(replayed->trace.size() == 3);
  CHECK(replayed->trace[1].op.kind == OpKind::kTryLock);
  CHECK(replayed->trace[1].has_read);
  CHECK(replayed->trace[1].read == 0);
}

// ---------------------------------------------------------------------------
// thread: spawn and join inside a model thread.

namespace {

// T0 spawns a child that stores 1 then 2 to x, stores 1 to y itself, joins
// the child and checks it sees x == 2.
struct SpawnJoin {
  static ModelSpec spec() { return {"test.spawn", "spawn and join", {threads_param(1, 1)}}; }
  explicit SpawnJoin(const Params&) {}
  void thread(int) {
    interleave::thread child([this] {
      x.store(1);
      x.store(2);
    });
    y.store(1);
    child.join();
    int seen = x.load();
    check(seen == 2, "after join T0 sees x == {}", seen);
  }
  void invariant() {
    check(x.load() == 2 && y.load() == 1, "invariant sees x == {}, y == {}", x.load(), y.load());
  }
  shared<int> x{"x", 0}, y{"y", 0};
};

}  // namespace

TEST_CASE("spawn and join: join waits for the child; 3 executions", "[thread]") {
  // After the spawn, T0's store of y goes before, between or after the
  // child's two stores; join is only runnable once the child has finished.
  CheckResult r = test::dfs_check<SpawnJoin>(params_of<SpawnJoin>());
  CHECK_FALSE(r.found_bug());
  CHECK(r.error.empty());
  CHECK(r.executions == 3);
  CHECK(r.exhaustive);
  CHECK(r.total_steps == 3 * 6);  // spawn, y, x, x, join, load

  // y first, then T0 must wait in join for both of the child's stores.
  auto replayed = replay_string<SpawnJoin>("test.spawn:t1:v1:001100");
  REQUIRE(replayed.ok());
  CHECK(replayed->outcome == Outcome::kPassed);
  REQUIRE(replayed->trace.size() == 6);
  CHECK(replayed->trace[0].op.kind == OpKind::kSpawn);
  CHECK(replayed->trace[0].has_written);
  CHECK(replayed->trace[0].written == 1);  // the child is T1
  CHECK(replayed->trace[2].thread == 1);
  CHECK(replayed->trace[4].op.kind == OpKind::kJoin);
  CHECK(std::string_view(replayed->trace[4].op.name) == "T1");
  CHECK(replayed->trace[5].read == 2);

  // Choosing T0 while it waits in join does not fit.
  auto early = replay_string<SpawnJoin>("test.spawn:t1:v1:0010");
  REQUIRE_FALSE(early.ok());
  CHECK_THAT(early.error(), Contains("step 4 chooses T0, which cannot run there"));
}

namespace {

// T0 holds m, spawns a child that locks m, and joins it: a deadlock.
struct JoinDeadlock {
  static ModelSpec spec() { return {"test.joindeadlock", "join while holding", {}}; }
  explicit JoinDeadlock(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    lock_guard guard(m);
    interleave::thread child([this] { lock_guard inner(m); });
    child.join();
  }
  void invariant() {}
  mutex m{"m"};
};

}  // namespace

TEST_CASE("joining a thread that waits for a held mutex deadlocks", "[thread][deadlock]") {
  CheckResult r = test::dfs_check<JoinDeadlock>(params_of<JoinDeadlock>());
  REQUIRE(r.found_bug());
  CHECK(r.executions == 1);
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kDeadlock);
  CHECK(f.message == "deadlock: T0 waits to join T1, T1 waits to lock m (held by T0)");
  CHECK(f.step == 2);
}

namespace {

// T0 spawns A and joins it; A spawns B, stores x, and joins B; B stores y.
struct NestedSpawn {
  static ModelSpec spec() { return {"test.nested", "a spawned thread spawns another", {}}; }
  explicit NestedSpawn(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    interleave::thread a([this] {
      interleave::thread b([this] { y.store(1); });
      x.store(1);
      b.join();
    });
    a.join();
  }
  void invariant() {
    check(x.load() == 1 && y.load() == 1, "x == {}, y == {}", x.load(), y.load());
  }
  shared<int> x{"x", 0}, y{"y", 0};
};

int g_child_check_line = 0;

// T0 spawns a child whose check fails when it runs before T0's store.
struct ChildCheck {
  static ModelSpec spec() { return {"test.childcheck", "a check in a spawned thread", {}}; }
  explicit ChildCheck(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    interleave::thread child([this] {
      int v = x.load();
      g_child_check_line = __LINE__; check(v == 1, "child read {}", v);
    });
    x.store(1);
    child.join();
  }
  void invariant() {}
  shared<int> x{"x", 0};
};

}  // namespace

TEST_CASE("nested spawn and join: 2 executions, every thread finishes", "[thread]") {
  // After both spawns, only A's store of x and B's store of y are
  // concurrent; both joins wait. Steps: spawn, spawn, x, y, join, join.
  CheckResult r = test::dfs_check<NestedSpawn>(params_of<NestedSpawn>());
  CHECK_FALSE(r.found_bug());
  CHECK(r.error.empty());
  CHECK(r.executions == 2);
  CHECK(r.exhaustive);
  CHECK(r.total_steps == 2 * 6);
}

TEST_CASE("a check failing in a spawned thread names that thread and line", "[thread][check]") {
  CheckResult r = test::dfs_check<ChildCheck>(params_of<ChildCheck>());
  REQUIRE(r.found_bug());
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.kind == FailureKind::kCheck);
  CHECK(f.failure.message == "child read 0");
  CHECK(f.failure.thread == 1);
  CHECK(f.failure.location.line() == static_cast<unsigned>(g_child_check_line));
  // The spawn, then the child's load before T0's store.
  CHECK(f.schedule.to_string() == "test.childcheck::v1:01");
  auto replayed = replay_string<ChildCheck>(f.schedule.to_string());
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(f.failure));
}

namespace {

// T0 spawns threads (that do nothing) until there would be 37.
struct SpawnTooMany {
  static ModelSpec spec() { return {"test.spawnmany", "spawns past the thread limit", {}}; }
  explicit SpawnTooMany(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    std::vector<std::unique_ptr<interleave::thread>> children;
    for (int i = 0; i < kMaxThreads; ++i) {
      children.push_back(std::make_unique<interleave::thread>([] {}));
    }
  }
  void invariant() {}
};

}  // namespace

// Changed by issue 10: the thread limit is a limit of the scheduler, not a
// bug of the model, so it is a usage error (CheckResult::error, exit 2), not
// a failure with a schedule. These children finish at once but are never
// joined, so their ids are not reused (an id is free again only once the
// spawning thread has joined its thread: bad_models_test spawns 100 joined
// threads): the 36th spawn needs a 37th id.
TEST_CASE("spawning more than 36 threads is a usage error", "[thread]") {
  CheckResult r = test::dfs_check<SpawnTooMany>(params_of<SpawnTooMany>());
  CHECK_FALSE(r.found_bug());
  CHECK(r.error ==
        "too many threads: T0 starts a thread while 36 are alive or not yet joined by it; the "
        "scheduler runs at most 36 at once");
  CHECK(r.executions == 0);
}
