// Models that misbehave in every way a model can: they crash, overflow their
// stack, throw from destructors, spin or block where the scheduler cannot see,
// fail while another thread is paused inside a destructor or a
// condition-variable wait, and start many threads. Used by
// bad_models_test.cc (the outcomes) and by the bad_models_cli binary
// (cli_test.sh: the same outcomes on the command line).
#pragma once

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"

namespace bad_models {

using interleave::ModelSpec;
using interleave::Params;

// The pointer is read at run time, so the compiler cannot see the null.
inline int* volatile g_null = nullptr;

// A store through g_null: undefined behaviour on purpose, which
// UndefinedBehaviorSanitizer (--config=asan) lets crash.
__attribute__((no_sanitize("undefined"))) inline void store_through_null(int value) {
  *g_null = value;
}

// T1 dereferences a null pointer when it sees T0's store: a crash in some
// schedules only (DFS: 2 executions, [T0, T1] crashes, [T1, T0] passes).
struct NullDeref {
  static ModelSpec spec() { return {"bad.null_deref", "T1 dereferences null after T0's store", {}}; }
  explicit NullDeref(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      x.store(1);
    } else if (x.load() == 1) {
      store_through_null(1);
    }
  }
  void invariant() {}
  interleave::atomic<int> x{"x", 0};
};

// T1 calls abort() when it sees T0's store.
struct Abort {
  static ModelSpec spec() { return {"bad.abort", "T1 calls abort() after T0's store", {}}; }
  explicit Abort(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      x.store(1);
    } else if (x.load() == 1) {
      std::abort();
    }
  }
  void invariant() {}
  interleave::atomic<int> x{"x", 0};
};

// Recursion without end on T0, after one visible operation: a stack overflow.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
[[gnu::noinline]] inline int recurse(int depth) {
  volatile char frame[256];
  frame[0] = static_cast<char>(depth);
  return recurse(depth + 1) + frame[0];  // not a tail call
}
#pragma GCC diagnostic pop

struct DeepRecursion {
  static ModelSpec spec() { return {"bad.deep_recursion", "T0 recurses without end", {}}; }
  explicit DeepRecursion(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    x.store(1);
    x.store(recurse(0));
  }
  void invariant() {}
  interleave::atomic<int> x{"x", 0};
};

// One frame larger than the stack and its guard together (on a 64 KiB
// stack), written from its top down: the first write below the stack hits
// the guard, with the stack pointer already far below it.
[[gnu::noinline]] inline void big_frame() {
  volatile char big[200000];
  for (size_t i = sizeof(big); i-- > 0;) big[i] = 1;
}

struct BigFrame {
  static ModelSpec spec() { return {"bad.big_frame", "T0 has a 200000-byte local array", {}}; }
  explicit BigFrame(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    x.store(1);
    big_frame();
  }
  void invariant() {}
  interleave::shared<int> x{"x", 0};
};

[[gnu::noinline]] inline void throw_runtime_error(const char* what) {
  throw std::runtime_error(what);
}

// A destructor that lets an exception out, declared noexcept(false): the
// exception leaves the thread body like any other.
struct ThrowsFromDestructor {
  ~ThrowsFromDestructor() noexcept(false) { throw_runtime_error("thrown by a destructor"); }
};

// A destructor that throws although it is noexcept (the default): C++ calls
// std::terminate.
struct ThrowsFromNoexceptDestructor {
  ~ThrowsFromNoexceptDestructor() { throw_runtime_error("thrown by a noexcept destructor"); }
};

template <class Thrower>
struct ThrowingDestructorModel {
  static ModelSpec spec() {
    return {std::is_same_v<Thrower, ThrowsFromDestructor> ? "bad.throwing_destructor"
                                                          : "bad.noexcept_destructor",
            "T0's local object throws from its destructor",
            {}};
  }
  explicit ThrowingDestructorModel(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    Thrower thrower;
    x.store(1);
  }
  void invariant() {}
  interleave::atomic<int> x{"x", 0};
};

// T1 fails while T0 may be paused at the unlock in ~lock_guard (a visible
// operation inside a noexcept destructor): teardown must not terminate.
struct FailWhileInLockGuard {
  static ModelSpec spec() {
    return {"bad.fail_in_lock_guard", "T1 fails while T0 may be paused in ~lock_guard", {}};
  }
  explicit FailWhileInLockGuard(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      std::vector<int> heap_owner(16, 1);  // destroyed by the teardown where it can unwind
      interleave::lock_guard guard(m);
      x.store(heap_owner[0]);
    } else {
      interleave::check(x.load() != 1, "T1 saw x == 1");
    }
  }
  void invariant() {}
  interleave::mutex m{"m"};
  interleave::atomic<int> x{"x", 0};
};

// A destructor that performs a visible operation (implicitly noexcept).
struct StoresOnExit {
  interleave::atomic<int>& x;
  ~StoresOnExit() { x.store(2); }
};

// T1 fails while T0 may be paused at the store in ~StoresOnExit: unwinding
// T0 there would pass a noexcept frame, so teardown abandons its fiber. DFS:
// T0 stores 1 then 2, T1 loads once: 3 executions, 1 fails (T1 loads
// between T0's stores, while T0 is paused in the destructor).
struct FailWhileInDestructor {
  static ModelSpec spec() {
    return {"bad.fail_in_destructor", "T1 fails while T0 may be paused in a destructor", {}};
  }
  explicit FailWhileInDestructor(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      StoresOnExit on_exit{x};
      x.store(1);
    } else {
      interleave::check(x.load() != 1, "T1 saw x == 1");
    }
  }
  void invariant() {}
  interleave::atomic<int> x{"x", 0};
};

// T1 fails while T0 sleeps in a condition-variable wait.
struct FailWhileInWait {
  static ModelSpec spec() {
    return {"bad.fail_in_wait", "T1 fails while T0 sleeps in a condition-variable wait", {}};
  }
  explicit FailWhileInWait(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      interleave::unique_lock lock(m);
      cv.wait(lock, [&] { return ready.load() != 0; });
    } else {
      x.store(1);
      interleave::check(false, "T1 fails while T0 waits");
    }
  }
  void invariant() {}
  interleave::mutex m{"m"};
  interleave::condition_variable cv{"cv"};
  interleave::atomic<int> ready{"ready", 0};
  interleave::atomic<int> x{"x", 0};
};

// T0 spins on a plain variable only T1 would set: no visible operation, ever.
struct SpinOnPlainVariable {
  static ModelSpec spec() { return {"bad.spin", "T0 spins on a non-model bool", {}}; }
  explicit SpinOnPlainVariable(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      x.store(1);
      while (!flag) {
      }
    } else {
      y.store(1);
      flag = true;
    }
  }
  void invariant() {}
  volatile bool flag = false;
  interleave::atomic<int> x{"x", 0};
  interleave::atomic<int> y{"y", 0};
};

// A real std::mutex in a model: T1 blocks in the OS when T0 holds it while
// paused at a visible operation (DPOR's second execution).
struct BlockOnStdMutex {
  static ModelSpec spec() { return {"bad.std_mutex", "threads share a real std::mutex", {}}; }
  explicit BlockOnStdMutex(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    x.store(index);
    std::lock_guard<std::mutex> guard(real);
    x.store(index + 10);
  }
  void invariant() {}
  std::mutex real;
  interleave::atomic<int> x{"x", 0};
};

// T0 starts 100 threads one after another, joining each: never more than 2
// alive. One execution of 300 steps (spawn, the child's store, join).
struct SpawnInLoop {
  static ModelSpec spec() { return {"bad.spawn_loop", "100 short-lived threads in a row", {}}; }
  explicit SpawnInLoop(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    for (int i = 0; i < 100; ++i) {
      interleave::thread child([this, i] { x.store(i); });
      child.join();
    }
  }
  void invariant() { interleave::check(x.load() == 99, "x == {}, expected 99", x.load()); }
  interleave::atomic<int> x{"x", 0};
};

// T0 holds a mutex and starts 36 threads that all wait for it: 37 alive.
struct ThirtySevenAlive {
  static ModelSpec spec() { return {"bad.37_alive", "37 threads alive at once", {}}; }
  explicit ThirtySevenAlive(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    interleave::lock_guard guard(m);
    std::vector<std::unique_ptr<interleave::thread>> children;
    for (int i = 0; i < interleave::kMaxThreads; ++i) {
      children.push_back(std::make_unique<interleave::thread>([this] {
        interleave::lock_guard inner(m);
      }));
    }
  }
  void invariant() {}
  interleave::mutex m{"m"};
};

// Crashes before any visible operation: in T1's first code, and in a thread
// T0 spawns (the escape returns to T0 inside spawn, which then stops too).
struct CrashAtStart {
  static ModelSpec spec() { return {"bad.crash_at_start", "T1 crashes at once", {}}; }
  explicit CrashAtStart(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 1) store_through_null(3);
    x.store(1);
  }
  void invariant() {}
  interleave::shared<int> x{"x", 0};
};

struct SpawnedChildCrashes {
  static ModelSpec spec() { return {"bad.child_crash", "a spawned thread crashes at once", {}}; }
  explicit SpawnedChildCrashes(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    x.store(1);
    interleave::thread child([] { store_through_null(4); });
    child.join();
    x.store(2);
  }
  void invariant() {}
  interleave::shared<int> x{"x", 0};
};

// A crash on the main context: in the invariant.
struct CrashInInvariant {
  static ModelSpec spec() { return {"bad.invariant_crash", "the invariant dereferences null", {}}; }
  explicit CrashInInvariant(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) { x.store(1); }
  void invariant() {
    if (x.load() == 1) store_through_null(2);
  }
  interleave::atomic<int> x{"x", 0};
};

// Every model above, for the bad_models_cli binary.
inline interleave::Registry registry() {
  interleave::Registry r;
  r.add<NullDeref>();
  r.add<Abort>();
  r.add<DeepRecursion>();
  r.add<BigFrame>();
  r.add<ThrowingDestructorModel<ThrowsFromDestructor>>();
  r.add<ThrowingDestructorModel<ThrowsFromNoexceptDestructor>>();
  r.add<FailWhileInLockGuard>();
  r.add<FailWhileInDestructor>();
  r.add<FailWhileInWait>();
  r.add<SpinOnPlainVariable>();
  r.add<BlockOnStdMutex>();
  r.add<SpawnInLoop>();
  r.add<ThirtySevenAlive>();
  r.add<CrashInInvariant>();
  r.add<CrashAtStart>();
  r.add<SpawnedChildCrashes>();
  return r;
}

}  // namespace bad_models
