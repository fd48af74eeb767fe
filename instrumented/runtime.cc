// interleave's own runtime for code compiled with `g++ -fsanitize=thread`,
// linked instead of libtsan (docs/instrumented.md).
//
// Inside an execution, on a model thread:
//  - __tsan_atomic{8,16,32,64}_* are atomic operations of the scheduler
//    (visible operations, all treated as seq_cst like interleave::atomic);
//  - pthread_mutex_lock/trylock/unlock are mutex operations (an
//    interleave::mutex in a table keyed by the pthread_mutex_t's address,
//    made anew in place, at the same address, each execution; the
//    pthread_mutex_t itself is never touched);
//  - pthread_cond_wait/timedwait/clockwait/signal/broadcast are
//    interleave::condition_variable operations (a table keyed by the
//    pthread_cond_t's address, fresh each execution, beside the mutexes):
//    notify_one wakes any waiter, a wait may wake spuriously, a timed wait
//    may time out at any point while it sleeps;
//  - pthread_create/join/detach start and join model threads, whose
//    pthread_t is kHandleTag | ThreadId (a start, and a join of a finished
//    thread, go first without branching: ModelRunner::commuting_steps_first);
//  - syscall(SYS_futex, ...) FUTEX_WAIT/WAKE and their _BITSET forms, with
//    or without FUTEX_PRIVATE_FLAG (std::atomic::wait/notify, semaphores,
//    latches, barriers) block and wake model threads: a wait's check reads
//    the word and, if it holds the value, sleeps (not runnable) until a wake
//    of that word takes it out; other system calls pass through;
//  - sched_yield does nothing (not a step; see sched_yield below);
//  - clock_gettime reads a frozen time (deterministic replays; polling
//    loops over timed waits recognised as repeats);
//  - __tsan_read*/__tsan_write* are plain accesses: not scheduling points,
//    checked for data races with happens-before (Execution::plain_access);
//    __tsan_read_range/__tsan_write_range (an aggregate copied) one access
//    at its first byte; libc's memcpy/memmove/memset called from the
//    program's code, which g++ leaves uninstrumented (a struct copy of more
//    than a few words is a memcpy), an access of each byte of their ranges,
//    up to kRangeBytes bytes;
//  - pthread_rwlock_rdlock/wrlock/tryrdlock/trywrlock/unlock (std::
//    shared_mutex) are compare_exchanges on one atomic<int> per rwlock (-1:
//    a writer, n >= 0: n readers), as std_like::shared_mutex does it: a
//    thread that must wait retries, held as a spin until the state changes;
//  - pthread_mutex_timedlock/clocklock (std::timed_mutex) are a try_lock the
//    scheduler may run at any point: taken if free then, else ETIMEDOUT;
//  - pthread_once (std::call_once) is double-checked locking done right: a
//    load of a `done` atomic, else an interleave::mutex held while the init
//    routine runs (on the calling model thread), a recheck, the routine,
//    `done` stored; a routine that throws leaves it not done, as POSIX and
//    C++ say. libstdc++'s call_once hands its callable over in two
//    thread_local variables, which every model thread shares here: each
//    caller's are kept across the wait and put back before its routine
//    runs, and accesses to them are no races;
//  - __cxa_guard_acquire/release/abort (a function-local static's first
//    use) are the same shape over the guard's first byte, which the
//    compiler's inline fast path reads with an (instrumented) acquire load:
//    acquire locks a mutex for the guard and loads the byte, release stores
//    1 to it and unlocks. Each execution starts with every guard the
//    scheduler has seen cleared, so the static is built anew, as in a fresh
//    process (its destructor is registered with __cxa_atexit once);
//  - timed rwlock locks end the run as unsupported (a usage error naming
//    the call), never silently run.
// Everywhere else (no execution, the main context, another OS thread) every
// entry point passes through: the pthread functions call the real ones
// (dlsym(RTLD_NEXT, ...)), atomics are real seq_cst atomics, and the
// access hooks do nothing. During teardown of a failed execution the
// interposed calls do nothing, as the model API's do.
#include <dlfcn.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <time.h>


#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "instrumented/instrumented.h"
#include "instrumented/symbolize.h"
#include "scheduler/api/atomic.h"
#include "scheduler/api/condition_variable.h"
#include "scheduler/api/mutex.h"
#include "scheduler/api/shown_value.h"
#include "scheduler/runtime/execution.h"

// The linker's bounds of the executable's text (see from_program()).
extern "C" char __executable_start;
extern "C" char etext;

namespace interleave::instrumented {

namespace {

// The pthread_t of a model thread: this tag | its ThreadId. Real pthread_t
// values are addresses of thread descriptors, never this high.
constexpr uintptr_t kHandleTag = uintptr_t{0x1eaf} << 48;
constexpr uintptr_t kHandleMask = uintptr_t{0xffff} << 48;

// What every clock reads on a model thread (clock_gettime below): 2026-01-01
// 00:00:00 UTC for the realtime clock, as good as any time for the others.
constexpr time_t kFrozenSeconds = 1'767'225'600;

bool is_model_handle(pthread_t handle) {
  return (static_cast<uintptr_t>(handle) & kHandleMask) == kHandleTag;
}

// Where an access took place: the object, the thread, and whether it wrote.
struct AccessKey {
  const void* object;
  ThreadId thread;
  bool write;
  bool operator==(const AccessKey&) const = default;
};

struct AccessKeyHash {
  size_t operator()(const AccessKey& k) const {
    return std::hash<const void*>{}(k.object) ^ (static_cast<size_t>(k.thread) << 1) ^
           static_cast<size_t>(k.write);
  }
};

// A pthread rwlock: its state as std_like::shared_mutex keeps it.
struct RwLock {
  explicit RwLock(const char* name) : state(name, 0) {}
  // -1 while a writer holds it, else the number of readers.
  interleave::atomic<int> state;
  // The thread holding it for writing; kNoThread when none (an unlock by
  // this thread is a writer's, by any other a reader's).
  ThreadId writer = kNoThread;
};

// The threads asleep in futex waits on one word. Its address is the queue's
// identity in traces and to DPOR (the word itself is an atomic variable).
struct FutexQueue {
  // The word's name in traces.
  const char* name = "futex";
  // The sleeping threads, longest asleep first.
  std::array<ThreadId, kMaxThreads> waiting{};
  // How many sleep.
  int count = 0;
};

// A pthread_once_t (std::once_flag): see pthread_once below.
struct Once {
  explicit Once(const char* name) : done(name, 0), running(name) {}
  // 1 once the init routine has returned.
  interleave::atomic<int> done;
  // Held by the thread running the init routine; callers meanwhile wait.
  interleave::mutex running;
};

// What the runtime knows of the execution running on this OS thread.
struct RunState {
  // The scheduler's mutex standing for each pthread mutex used so far in
  // this process, by the pthread_mutex_t's address, made fresh (in place) at
  // the start of each execution (node-based: the interleave::mutex stays
  // put, and its address is the mutex's identity in traces and to DPOR, the
  // same in every execution).
  std::unordered_map<const void*, interleave::mutex> mutexes;
  // The same for each pthread condition variable used so far, by the
  // pthread_cond_t's address.
  std::unordered_map<const void*, interleave::condition_variable> conditions;
  // The state of each pthread rwlock used so far, by its address.
  std::unordered_map<const void*, RwLock> rwlocks;
  // The threads asleep in a futex wait on each word, by the word's address.
  std::unordered_map<const void*, FutexQueue> futexes;
  // The state of each pthread_once_t used so far, by its address.
  std::unordered_map<const void*, Once> onces;
  // Every function-local static's guard used by a model thread so far:
  // cleared at the start of each execution. Its mutex is mutex_at(guard).
  std::vector<long long*> guards;
  // The destructors registered with __cxa_atexit by model threads (a
  // static built again in a later execution registers once).
  std::vector<std::pair<void (*)(void*), void*>> exit_calls;
  // The value each model thread's start routine returned, for pthread_join.
  std::array<void*, kMaxThreads> results{};
  // The return address of each thread's latest read and write of each
  // object: the place of the earlier access when a race is reported.
  std::unordered_map<AccessKey, const void*, AccessKeyHash> sites;
};

RunState& run_state() {
  thread_local RunState state;
  return state;
}

// The scheduler's mutex for the pthread mutex at `m` in this execution,
// made on first use (named after the variable holding it, if a global).
interleave::mutex& mutex_at(const void* m) {
  auto& mutexes = run_state().mutexes;
  auto it = mutexes.find(m);
  if (it == mutexes.end()) it = mutexes.try_emplace(m, name_of(m, "mutex")).first;
  return it->second;
}

// The scheduler's condition variable for the pthread one at `c`, likewise.
interleave::condition_variable& condition_at(const void* c) {
  auto& conditions = run_state().conditions;
  auto it = conditions.find(c);
  if (it == conditions.end()) {
    it = conditions.try_emplace(c, name_of(c, "condition_variable")).first;
  }
  return it->second;
}

// Whether runtime or scheduler code runs on this OS thread: set while an
// entry point works and while the scheduler switches fibers, clear while
// the user's code runs (UserScope). Inline functions the linker kept in
// their instrumented copy (one std::min for the whole program) call the
// entry points from the scheduler's own code too; those calls pass through.
thread_local bool t_in_runtime = false;

// Marks the runtime's own work for a scope.
class RuntimeScope {
 public:
  RuntimeScope() : saved_(t_in_runtime) { t_in_runtime = true; }
  ~RuntimeScope() { t_in_runtime = saved_; }
  RuntimeScope(const RuntimeScope&) = delete;
  RuntimeScope& operator=(const RuntimeScope&) = delete;

 private:
  bool saved_;
};

// Marks the user's code (a model thread's body) for a scope.
class UserScope {
 public:
  UserScope() : saved_(t_in_runtime) { t_in_runtime = false; }
  ~UserScope() { t_in_runtime = saved_; }
  UserScope(const UserScope&) = delete;
  UserScope& operator=(const UserScope&) = delete;

 private:
  bool saved_;
};

// --- Threads the scheduler does not run ---
//
// A thread started before the check (a pool made at start-up), or not
// through pthread_create, runs as a real thread: its instrumented accesses
// reach the entry points on an OS thread with no execution. While an
// execution runs, such an access on a thread that is not one of the
// checker's own (checker_thread(): it runs executions, a search or the
// watchdog) is noted here, and the next entry point a model thread calls
// (a visible operation, a clock read) ends the run as unsupported, naming
// where that thread was: what it does is unseen, so no verdict would hold.
// Noted per execution: one made after an execution's last entry point is
// not reported (a thread that keeps running is noted in the next).

// Whether an execution is under way in this process (between the model's
// construction and destruction), and the return address of the first such
// access noted (nullptr: none). Read and written with __atomic builtins, not
// std::atomic: its inline members may be the instrumented copies the linker
// kept, which would call back into this runtime.
bool g_execution_running = false;
const void* g_foreign_pc = nullptr;

// An entry point called at `pc` where it is no visible operation: notes it
// if this OS thread runs no execution and is not the checker's own.
void outside_execution(const void* pc) {
  if (!__atomic_load_n(&g_execution_running, __ATOMIC_RELAXED) ||
      Execution::current() != nullptr || checker_thread()) {
    return;
  }
  const void* none = nullptr;
  __atomic_compare_exchange_n(&g_foreign_pc, &none, pc, false, __ATOMIC_RELAXED,
                              __ATOMIC_RELAXED);
}

[[noreturn]] void report_foreign(Execution* ex, const void* pc) {
  __atomic_store_n(&g_foreign_pc, nullptr, __ATOMIC_RELAXED);
  ex->unsupported(fmt::format(
      "instrumented code ran on a thread the scheduler does not run, at {}:{} (a thread started "
      "before the check, or not through pthread_create): what it does is not seen, so the check "
      "cannot give a verdict (docs/instrumented.md)",
      location_of(pc).file_name(), location_of(pc).line()));
}

// The execution whose model thread made this call, when the call is to be
// a visible operation: not from the runtime's or scheduler's own code.
Execution* scheduling() {
  if (t_in_runtime) return nullptr;
  Execution* ex = interleave::detail::scheduling();
  if (ex != nullptr) [[likely]] {
    if (const void* pc = __atomic_load_n(&g_foreign_pc, __ATOMIC_RELAXED)) [[unlikely]] {
      t_in_runtime = true;  // no RuntimeScope: unsupported() does not return
      report_foreign(ex, pc);
    }
  }
  return ex;
}

// The real function `name` of the next object after this program.
template <class F>
F real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    fmt::print(stderr, "interleave: the instrumented runtime cannot find the real {}\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

// The real `name`, looked up once into `slot`: for the __cxa_guard_*
// functions, which cannot keep it in a function-local static as the other
// entry points do (its guard would call them again).
// (__atomic builtins: see g_execution_running.)
template <class F>
F real_once(void*& slot, const char* name) {
  void* f = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
  if (f == nullptr) {
    f = reinterpret_cast<void*>(real<F>(name));
    __atomic_store_n(&slot, f, __ATOMIC_RELEASE);
  }
  return reinterpret_cast<F>(f);
}
void* real_guard_acquire = nullptr;
void* real_guard_release = nullptr;
void* real_guard_abort = nullptr;

// A model thread of a failed execution being torn down: interposed calls
// do nothing.
bool tearing_down() {
  if (t_in_runtime) return false;
  Execution* ex = Execution::current();
  return ex != nullptr && ex->in_thread() && ex->tearing_down();
}

std::string where(std::source_location location) {
  return fmt::format("{}:{}", location.file_name(), location.line());
}

// A plain access by the running thread of `ex`.
void plain_access(Execution* ex, const void* object, bool write, const void* pc) {
  bool earlier_write = false;
  const ThreadId other = ex->plain_access(object, write, &earlier_write);
  const ThreadId self = ex->running_thread();
  RunState& state = run_state();
  if (other != kNoThread) [[unlikely]] {
    auto earlier = state.sites.find(AccessKey{object, other, earlier_write});
    const std::string earlier_place =
        earlier != state.sites.end() ? where(location_of(earlier->second)) : "(unknown)";
    const std::source_location here = location_of(pc);
    ex->fail(FailureKind::kDataRace,
             fmt::format("data race on {}: T{} {} it at {}, T{} {} it at {}, neither ordered "
                         "before the other",
                         name_of(object, "a heap or stack variable"), other,
                         earlier_write ? "wrote" : "read", earlier_place, self,
                         write ? "writes" : "reads", where(here)),
             here);
  }
  state.sites[AccessKey{object, self, write}] = pc;
}

// The bytes of a range taken as accesses: the race detector keys an access
// by its first byte, so a field read or written at any offset of a copied
// struct meets the copy's access there. Longer ranges are taken up to this.
constexpr size_t kRangeBytes = 256;

// Called where from_program() holds: an instrumented execution runs (an
// ordinary model's threads run the scheduler's own code, whose copies are no
// accesses of theirs) and this is not the runtime's own work.
void on_range(const void* begin, size_t size, bool write, const void* pc) {
  Execution* ex = Execution::current();
  if (ex == nullptr || !ex->in_thread() || ex->tearing_down()) return;
  RuntimeScope scope;
  const auto* bytes = static_cast<const char*>(begin);
  const size_t n = size < kRangeBytes ? size : kRangeBytes;
  for (size_t i = 0; i < n; ++i) plain_access(ex, bytes + i, write, pc);
}

inline void on_access(const void* object, bool write, const void* pc) {
  if (t_in_runtime) return;
  Execution* ex = Execution::current();
  if (ex == nullptr) [[unlikely]] {
    outside_execution(pc);
    return;
  }
  if (!ex->in_thread() || ex->tearing_down()) return;
#if defined(_GLIBCXX_HAVE_TLS)
  // std::call_once's hand-over of its callable (see pthread_once below).
  if (object == &std::__once_callable || object == &std::__once_call) return;
#endif
  RuntimeScope scope;
  plain_access(ex, object, write, pc);
}

// Memory just allocated holds new objects (a thread's freed and reused
// block is not a race with its next owner).
void fresh_memory(const void* p, size_t size) {
  thread_local bool inside = false;  // the detector's own allocations
  Execution* ex = Execution::current();
  if (ex == nullptr || !ex->in_thread() || inside || p == nullptr) return;
  inside = true;
  RuntimeScope scope;
  ex->forget_range(p, size);
  inside = false;
}

// libc's memcpy, memmove and memset (interposed below): looked up on first
// use. dlsym may copy memory itself: meanwhile, and before, a byte loop does
// the work (volatile, so that the compiler does not turn it back into a
// call of the function).

void* g_real_memcpy = nullptr;
void* g_real_memmove = nullptr;
void* g_real_memset = nullptr;
bool g_resolving_mem = false;

template <class F>
F real_mem(void*& slot, const char* name) {
  void* f = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
  if (f != nullptr) return reinterpret_cast<F>(f);
  if (__atomic_exchange_n(&g_resolving_mem, true, __ATOMIC_ACQ_REL)) return nullptr;
  f = dlsym(RTLD_NEXT, name);
  __atomic_store_n(&slot, f, __ATOMIC_RELEASE);
  __atomic_store_n(&g_resolving_mem, false, __ATOMIC_RELEASE);
  return reinterpret_cast<F>(f);
}

// Whether code at `pc` is the program's own (its executable's text), not a
// shared library's: the copies libstdc++ or the unwinder make for
// themselves are theirs, as the rest of what they do is unseen.
// Checked first, cheapest first: an instrumented execution runs, this is
// not the runtime's own work, and the caller is the program's code.
inline bool from_program(const void* pc) {
  const auto* p = static_cast<const char*>(pc);
  return __atomic_load_n(&g_execution_running, __ATOMIC_RELAXED) && !t_in_runtime &&
         p >= &__executable_start && p < &etext;
}

void* move_bytes(void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile char*>(dst);
  const auto* s = static_cast<const volatile char*>(src);
  if (d < s) {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (size_t i = n; i-- > 0;) d[i] = s[i];
  }
  return dst;
}

// memcpy or memmove (libc's `name`, looked up into `real`), called at `pc`.
void* copy_bytes(void*& real, const char* name, void* dst, const void* src, size_t n,
                 const void* pc) {
  if (from_program(pc)) {
    on_range(src, n, false, pc);
    on_range(dst, n, true, pc);
  }
  using F = void* (*)(void*, const void*, size_t);
  if (F f = real_mem<F>(real, name)) return f(dst, src, n);
  return move_bytes(dst, src, n);
}


// --- Atomics ---

template <class T>
uint64_t bits_of(T value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof value);
  return bits;
}

template <class T>
uint64_t current_bits(const void* object) {
  return bits_of(__atomic_load_n(static_cast<const T*>(object), __ATOMIC_RELAXED));
}

template <class T>
constexpr ValueProbe kWriteProbe{&current_bits<T>, 0};

template <class T>
Operation atomic_op(OpKind kind, const volatile T* a, const void* pc,
                    const ValueProbe* probe = nullptr) {
  const void* object = const_cast<const T*>(a);
  return Operation{kind,      object, name_of(object, "atomic"), location_of(pc), nullptr,
                   kNoThread, -1,     probe};
}

// An atomic load and store as steps of `ex`'s running thread (in a
// RuntimeScope).
template <class T>
T visible_load(Execution* ex, const volatile T* a, const void* pc) {
  ex->schedule(atomic_op(OpKind::kLoad, a, pc));
  const T value = __atomic_load_n(a, __ATOMIC_RELAXED);
  ex->record_read(static_cast<int64_t>(value));
  return value;
}

template <class T>
void visible_store(Execution* ex, volatile T* a, T value, const void* pc) {
  ex->schedule(atomic_op(OpKind::kStore, a, pc, &kWriteProbe<T>));
  __atomic_store_n(a, value, __ATOMIC_RELAXED);
  ex->record_written(static_cast<int64_t>(value));
}

template <class T>
T atomic_load(const volatile T* a, const void* pc) {
  if (Execution* ex = scheduling()) {
    RuntimeScope scope;
    return visible_load(ex, a, pc);
  }
  outside_execution(pc);
  return __atomic_load_n(a, __ATOMIC_SEQ_CST);
}

template <class T>
void atomic_store(volatile T* a, T value, const void* pc) {
  if (Execution* ex = scheduling()) {
    RuntimeScope scope;
    visible_store(ex, a, value, pc);
    return;
  }
  outside_execution(pc);
  __atomic_store_n(a, value, __ATOMIC_SEQ_CST);
}

// A read-modify-write `f` (which performs it and returns the old value).
template <class T, class F>
T atomic_rmw(volatile T* a, OpKind kind, const ValueProbe* probe, const void* pc, F f) {
  if (Execution* ex = scheduling()) {
    RuntimeScope scope;
    ex->schedule(atomic_op(kind, a, pc, probe));
    const T old = f();
    ex->record_read(static_cast<int64_t>(old));
    ex->record_written(static_cast<int64_t>(__atomic_load_n(a, __ATOMIC_RELAXED)));
    return old;
  }
  outside_execution(pc);
  return f();
}

template <class T>
T atomic_exchange(volatile T* a, T value, const void* pc) {
  // Lives while this thread waits at the scheduling point.
  ValueProbe probe{&current_bits<T>, 0, bits_of(value), true};
  return atomic_rmw(a, OpKind::kExchange, &probe, pc,
                    [&] { return __atomic_exchange_n(a, value, __ATOMIC_SEQ_CST); });
}

// Never fails spuriously: weak is strong.
template <class T>
bool atomic_cas(volatile T* a, T* expected, T desired, const void* pc) {
  if (Execution* ex = scheduling()) {
    RuntimeScope scope;
    ValueProbe probe{&current_bits<T>, bits_of(*expected), bits_of(desired), true};
    ex->schedule(atomic_op(OpKind::kCompareExchange, a, pc, &probe));
    const bool ok = __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_RELAXED,
                                                __ATOMIC_RELAXED);
    ex->record_read(static_cast<int64_t>(*expected));
    if (ok) ex->record_written(static_cast<int64_t>(desired));
    return ok;
  }
  outside_execution(pc);
  return __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST);
}

// --- Rwlocks ---

RwLock& rwlock_at(const void* l) {
  auto& rwlocks = run_state().rwlocks;
  auto it = rwlocks.find(l);
  if (it == rwlocks.end()) it = rwlocks.try_emplace(l, name_of(l, "shared_mutex")).first;
  return it->second;
}

constexpr int kWriter = -1;

// One attempt to take `l` for writing (`write`) or reading; true if taken.
// A failed attempt is a failed compare_exchange, which changes nothing: a
// loop of them in the same state is held as a spin until the state changes.
bool rwlock_try(Execution* ex, RwLock& l, bool write, std::source_location location) {
  int expected = 0;
  if (write) {
    if (!l.state.compare_exchange_strong(expected, kWriter, std::memory_order_seq_cst, location)) {
      return false;
    }
    l.writer = ex->running_thread();
    return true;
  }
  for (;;) {
    if (l.state.compare_exchange_strong(expected, expected + 1, std::memory_order_seq_cst,
                                        location)) {
      return true;
    }
    if (expected == kWriter) return false;
  }
}

// pthread_rwlock_(rd|wr)lock: attempts until one takes `lock`.
int rwlock_lock(Execution* ex, const void* lock, bool write, const void* pc) {
  RwLock& l = rwlock_at(lock);
  const std::source_location location = location_of(pc);
  while (!rwlock_try(ex, l, write, location)) {
  }
  return 0;
}

// pthread_rwlock_try(rd|wr)lock: one attempt.
int rwlock_trylock(Execution* ex, const void* lock, bool write, const void* pc) {
  return rwlock_try(ex, rwlock_at(lock), write, location_of(pc)) ? 0 : EBUSY;
}

// pthread_mutex_(timed|clock)lock: a lock with a deadline is one try_lock
// the scheduler may perform at any point from the call on: it gets the
// mutex if it is free then, else times out (as std_like's timed_mutex; a
// lock that waited and then got the mutex is a try made when it was free).
// A loop of timed-out tries in the same state is held as a spin.
int mutex_timed_lock(const void* mutex, const void* pc) {
  return mutex_at(mutex).try_lock(location_of(pc)) ? 0 : ETIMEDOUT;
}

// --- Once ---

Once& once_at(const void* control) {
  auto& onces = run_state().onces;
  auto it = onces.find(control);
  if (it == onces.end()) it = onces.try_emplace(control, name_of(control, "once_flag")).first;
  return it->second;
}

// pthread_once(control, init) on a model thread, in a RuntimeScope: `done`
// read (acquire), else `running` taken, `done` read again, init run as user
// code, `done` stored (release), `running` given back. A caller that finds
// the routine running waits for the mutex, as POSIX callers wait for the
// routine to return. A routine that throws gives the mutex back and leaves
// `done` clear: the next caller runs it (C++'s exceptional call_once).
int once(pthread_once_t* control, void (*init)(), const void* pc) {
#if defined(_GLIBCXX_HAVE_TLS)
  // std::call_once set these just before calling (no step in between): this
  // thread's callable, which another thread's call_once may replace in the
  // OS thread's one copy while this one waits below.
  void* const callable = std::__once_callable;
  void (*const call)() = std::__once_call;
#endif
  const std::source_location location = location_of(pc);
  Once& state = once_at(control);
  if (state.done.load(std::memory_order_acquire, location) == 1) return 0;
  state.running.lock(location);
  if (state.done.load(std::memory_order_acquire, location) == 1) {
    state.running.unlock(location);
    return 0;
  }
  try {
#if defined(_GLIBCXX_HAVE_TLS)
    std::__once_callable = callable;
    std::__once_call = call;
#endif
    UserScope user;
    init();
  } catch (...) {
    state.running.unlock(location);
    throw;
  }
  state.done.store(1, std::memory_order_release, location);
  state.running.unlock(location);
  return 0;
}

// A function-local static's guard (__cxa_guard_*, Itanium C++ ABI; g++
// declares them with `long long*`): its
// first byte is 1 once the static is built; the mutex for its address is
// held while it is built. acquire: 1 if the caller is to build it.
int guard_acquire(Execution* ex, long long* guard, const void* pc) {
  RunState& state = run_state();
  if (std::find(state.guards.begin(), state.guards.end(), guard) == state.guards.end()) {
    state.guards.push_back(guard);
  }
  const std::source_location location = location_of(pc);
  auto* built = reinterpret_cast<volatile uint8_t*>(guard);
  mutex_at(guard).lock(location);
  if (visible_load(ex, built, pc) != 0) {  // built while this thread waited
    mutex_at(guard).unlock(location);
    return 0;
  }
  return 1;
}

void guard_release(Execution* ex, long long* guard, bool built, const void* pc) {
  if (built) visible_store(ex, reinterpret_cast<volatile uint8_t*>(guard), uint8_t{1}, pc);
  mutex_at(guard).unlock(location_of(pc));
}

// --- Futexes ---

FutexQueue& futex_at(const void* word) {
  auto& futexes = run_state().futexes;
  auto it = futexes.find(word);
  if (it == futexes.end()) {
    it = futexes.try_emplace(word).first;
    it->second.name = name_of(word, "futex");
  }
  return it->second;
}

// FUTEX_WAIT(_BITSET) on `word` expecting `expected`, as the system call
// returns it (errno set on -1). One step reads the word: if it holds
// something else, EAGAIN. Otherwise the thread sleeps, not runnable, until a
// wake of the word chooses it; its second step (a kWait on the queue, after
// the wake) returns 0. A timed wait (`timeout`) times out at once instead of
// sleeping: under the frozen clock (clock_gettime) no deadline would pass
// while it slept, and the caller's loop re-reads the word.
long futex_wait(Execution* ex, const uint32_t* word, uint32_t expected, bool timed,
                const void* pc) {
  FutexQueue& queue = futex_at(word);
  const std::source_location location = location_of(pc);
  ex->schedule(Operation{OpKind::kFutexWait, word, queue.name, location, &queue});
  const uint32_t value = __atomic_load_n(word, __ATOMIC_RELAXED);
  ex->record_read(value);
  if (value != expected || timed) {
    errno = value != expected ? EAGAIN : ETIMEDOUT;
    return -1;
  }
  queue.waiting[static_cast<size_t>(queue.count++)] = ex->running_thread();
  ex->schedule(Operation{OpKind::kWait, &queue, queue.name, location}, /*can_run=*/false);
  return 0;
}

// FUTEX_WAKE(_BITSET) of up to `n` sleepers on `word`: with n == 1 any one
// of them (each an outcome of the step, Execution::choose), otherwise the
// longest asleep first. Returns how many it woke.
long futex_wake(Execution* ex, const uint32_t* word, int n, const void* pc) {
  FutexQueue& queue = futex_at(word);
  ex->schedule(Operation{n == 1 ? OpKind::kNotify : OpKind::kNotifyAll, &queue, queue.name,
                         location_of(pc)});
  const int woken = n == 1 ? (queue.count > 0 ? 1 : 0) : std::min(std::max(n, 0), queue.count);
  if (woken == 0) {
    if (n != 1) ex->record_written(0);
    return 0;
  }
  const int first = n == 1 ? ex->choose(queue.count) : 0;
  ThreadSet runnable;
  for (int i = first; i < first + woken; ++i) {
    const ThreadId t = queue.waiting[static_cast<size_t>(i)];
    // Its sleep step comes after this wake.
    Operation sleep = ex->pending(t);
    sleep.waker_step = static_cast<int32_t>(ex->steps()) - 1;
    ex->set_pending(t, sleep);
    runnable.insert(t);
  }
  std::copy(queue.waiting.begin() + first + woken, queue.waiting.begin() + queue.count,
            queue.waiting.begin() + first);
  queue.count -= woken;
  ex->unblock(runnable);
  ex->record_written(n == 1 ? runnable.lowest() : woken);
  return woken;
}

// --- Condition variables ---

// Releases the mutex closing the scope that adopted it, without unlocking:
// the caller of pthread_cond_wait holds it again once the wait returns (and
// during teardown nothing is held).
struct Adopted {
  interleave::unique_lock lock;
  ~Adopted() { lock.release(); }
};

// pthread_cond_wait (untimed) or timedwait/clockwait (`timed`, any deadline:
// no time passes under the scheduler, so the wait may time out at any point
// while it sleeps): one interleave::condition_variable wait that may also
// wake spuriously. Returns what the pthread call returns.
int cond_wait(const void* cond, pthread_mutex_t* mutex, bool timed, const void* pc) {
  Adopted adopted{interleave::unique_lock(mutex_at(mutex), std::adopt_lock)};
  const bool timed_out = condition_at(cond).wait_once(
      adopted.lock, interleave::condition_variable::WaitRules{.spurious = true, .timed = timed},
      location_of(pc));
  return timed_out ? ETIMEDOUT : 0;
}

}  // namespace

Registry& instrumented_models() {
  static Registry* registry = new Registry;  // filled at start-up, used until exit
  return *registry;
}

namespace detail {

void run_body(void (*body)()) {
  UserScope user;
  body();
}

void begin_execution() {
  // What such a thread did after the previous execution's last visible
  // operation went unreported there; one that keeps running is noted again.
  __atomic_store_n(&g_foreign_pc, nullptr, __ATOMIC_RELAXED);
  __atomic_store_n(&g_execution_running, true, __ATOMIC_RELAXED);
  RunState& state = run_state();
  // The synchronisation objects are made fresh in place, not dropped: the
  // scheduler object standing for a pthread object at one address keeps its
  // own address from execution to execution, which is its identity to DPOR
  // (plans and sleep sets made in one execution name objects in the next;
  // objects allocated anew could land elsewhere, e.g. after the symbolizer's
  // caches grew in the first execution).
  for (auto& [word, queue] : state.futexes) queue.count = 0;
  for (auto& [lock, rwlock] : state.rwlocks) {
    const char* name = rwlock.state.name();
    std::destroy_at(&rwlock);
    std::construct_at(&rwlock, name);
  }
  for (auto& [cond, condition] : state.conditions) {
    const char* name = condition.name();
    std::destroy_at(&condition);
    std::construct_at(&condition, name);
  }
  for (auto& [m, mutex] : state.mutexes) {
    const char* name = mutex.name();
    std::destroy_at(&mutex);
    std::construct_at(&mutex, name);
  }
  for (long long* guard : state.guards) *guard = 0;
  for (auto& [control, once] : state.onces) {
    const char* name = once.done.name();
    std::destroy_at(&once);
    std::construct_at(&once, name);
  }
#if defined(_GLIBCXX_HAVE_PLATFORM_WAIT)
  // libstdc++'s std::atomic::wait keeps a count of waiters and a version
  // word in 16 process-wide pool entries (bits/atomic_wait.h,
  // __waiter_pool_base::_S_for: entry (address >> 2) % 16). A thread of a
  // failed execution abandoned inside a wait never leaves the count, which
  // would change what later executions do (a notify skips its futex wake
  // when nobody counts as waiting): start each execution from empty pools.
  for (uintptr_t entry = 0; entry < 16; ++entry) {
    auto& pool = std::__detail::__waiter_pool_base::_S_for(reinterpret_cast<void*>(entry << 2));
    pool._M_wait = 0;
    pool._M_ver = 0;
  }
#endif
  state.sites.clear();
  state.results.fill(nullptr);
}

void end_execution() { __atomic_store_n(&g_execution_running, false, __ATOMIC_RELAXED); }

}  // namespace detail

}  // namespace interleave::instrumented

using interleave::Execution;
using interleave::kNoThread;
using interleave::Operation;
using interleave::OpKind;
using interleave::ThreadId;
using interleave::ThreadSet;
namespace in = interleave::instrumented;

// --- Allocation: fresh memory is new objects to the race detector ---

void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  in::fresh_memory(p, size);
  return p;
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  void* p = std::malloc(size == 0 ? 1 : size);
  in::fresh_memory(p, size);
  return p;
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return ::operator new(size, tag);
}

extern "C" {

// --- ThreadSanitizer's entry points (signatures: compiler-rt's
// tsan_interface.h and tsan_interface_atomic.h) ---

void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
// Virtual-table pointer updates (constructors, destructors) are not accesses
// the runtime checks.
void __tsan_vptr_update(void**, void*) {}
void __tsan_vptr_read(void**) {}

#define INTERLEAVE_TSAN_ACCESS(size)                                              \
  void __tsan_read##size(void* addr) {                                            \
    in::on_access(addr, false, __builtin_return_address(0));                      \
  }                                                                               \
  void __tsan_write##size(void* addr) {                                           \
    in::on_access(addr, true, __builtin_return_address(0));                       \
  }                                                                               \
  void __tsan_read##size##_pc(void* addr, void* pc) { in::on_access(addr, false, pc); } \
  void __tsan_write##size##_pc(void* addr, void* pc) { in::on_access(addr, true, pc); }
INTERLEAVE_TSAN_ACCESS(1)
INTERLEAVE_TSAN_ACCESS(2)
INTERLEAVE_TSAN_ACCESS(4)
INTERLEAVE_TSAN_ACCESS(8)
INTERLEAVE_TSAN_ACCESS(16)
#undef INTERLEAVE_TSAN_ACCESS

#define INTERLEAVE_TSAN_UNALIGNED(size)                                           \
  void __tsan_unaligned_read##size(const void* addr) {                            \
    in::on_access(addr, false, __builtin_return_address(0));                      \
  }                                                                               \
  void __tsan_unaligned_write##size(void* addr) {                                 \
    in::on_access(addr, true, __builtin_return_address(0));                       \
  }
INTERLEAVE_TSAN_UNALIGNED(2)
INTERLEAVE_TSAN_UNALIGNED(4)
INTERLEAVE_TSAN_UNALIGNED(8)
INTERLEAVE_TSAN_UNALIGNED(16)
#undef INTERLEAVE_TSAN_UNALIGNED

// A range the compiler reports at once (an aggregate copied) counts as one
// access at its first byte: taking each byte, as for libc's copies below,
// made instrumented checks several times slower at -O0, where libstdc++'s
// inline code copies small aggregates at every turn.
void __tsan_read_range(void* addr, unsigned long) {
  in::on_access(addr, false, __builtin_return_address(0));
}
void __tsan_write_range(void* addr, unsigned long) {
  in::on_access(addr, true, __builtin_return_address(0));
}

// libc's memcpy, memmove and memset, called by instrumented code as they
// are: in an instrumented execution their ranges are accesses, then libc's
// function does the work (in::real_mem).
void* memcpy(void* dst, const void* src, size_t n) {
  return in::copy_bytes(in::g_real_memcpy, "memcpy", dst, src, n, __builtin_return_address(0));
}

void* memmove(void* dst, const void* src, size_t n) {
  return in::copy_bytes(in::g_real_memmove, "memmove", dst, src, n, __builtin_return_address(0));
}

void* memset(void* dst, int value, size_t n) {
  const void* pc = __builtin_return_address(0);
  if (in::from_program(pc)) in::on_range(dst, n, true, pc);
  using F = void* (*)(void*, int, size_t);
  if (F f = in::real_mem<F>(in::g_real_memset, "memset")) return f(dst, value, n);
  auto* d = static_cast<volatile unsigned char*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(value);
  return dst;
}

#define INTERLEAVE_TSAN_ATOMICS(bits, T)                                                   \
  T __tsan_atomic##bits##_load(const volatile T* a, int) {                                 \
    return in::atomic_load(a, __builtin_return_address(0));                                \
  }                                                                                        \
  void __tsan_atomic##bits##_store(volatile T* a, T v, int) {                              \
    in::atomic_store(a, v, __builtin_return_address(0));                                   \
  }                                                                                        \
  T __tsan_atomic##bits##_exchange(volatile T* a, T v, int) {                              \
    return in::atomic_exchange(a, v, __builtin_return_address(0));                         \
  }                                                                                        \
  T __tsan_atomic##bits##_fetch_add(volatile T* a, T v, int) {                             \
    return in::atomic_rmw(a, OpKind::kFetchAdd, &in::kWriteProbe<T>,                       \
                          __builtin_return_address(0),                                     \
                          [&] { return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); });     \
  }                                                                                        \
  T __tsan_atomic##bits##_fetch_sub(volatile T* a, T v, int) {                             \
    return in::atomic_rmw(a, OpKind::kFetchAdd, &in::kWriteProbe<T>,                       \
                          __builtin_return_address(0),                                     \
                          [&] { return __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST); });     \
  }                                                                                        \
  T __tsan_atomic##bits##_fetch_and(volatile T* a, T v, int) {                             \
    return in::atomic_rmw(a, OpKind::kFetchAdd, &in::kWriteProbe<T>,                       \
                          __builtin_return_address(0),                                     \
                          [&] { return __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST); });     \
  }                                                                                        \
  T __tsan_atomic##bits##_fetch_or(volatile T* a, T v, int) {                              \
    return in::atomic_rmw(a, OpKind::kFetchAdd, &in::kWriteProbe<T>,                       \
                          __builtin_return_address(0),                                     \
                          [&] { return __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST); });      \
  }                                                                                        \
  T __tsan_atomic##bits##_fetch_xor(volatile T* a, T v, int) {                             \
    return in::atomic_rmw(a, OpKind::kFetchAdd, &in::kWriteProbe<T>,                       \
                          __builtin_return_address(0),                                     \
                          [&] { return __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST); });     \
  }                                                                                        \
  T __tsan_atomic##bits##_fetch_nand(volatile T* a, T v, int) {                            \
    return in::atomic_rmw(a, OpKind::kFetchAdd, &in::kWriteProbe<T>,                       \
                          __builtin_return_address(0),                                     \
                          [&] { return __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST); });    \
  }                                                                                        \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* c, T v, int, int) {  \
    return in::atomic_cas(a, c, v, __builtin_return_address(0));                           \
  }                                                                                        \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* c, T v, int, int) {    \
    return in::atomic_cas(a, c, v, __builtin_return_address(0));                           \
  }                                                                                        \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T c, T v, int, int) {        \
    in::atomic_cas(a, &c, v, __builtin_return_address(0));                                 \
    return c;                                                                              \
  }
INTERLEAVE_TSAN_ATOMICS(8, char)
INTERLEAVE_TSAN_ATOMICS(16, short)
INTERLEAVE_TSAN_ATOMICS(32, int)
INTERLEAVE_TSAN_ATOMICS(64, long)
#undef INTERLEAVE_TSAN_ATOMICS

// Under the scheduler every atomic operation is seq_cst already, so a fence
// orders nothing more; outside it is a real fence.
void __tsan_atomic_thread_fence(int) {
  if (in::scheduling() == nullptr) __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
void __tsan_atomic_signal_fence(int) {}

// --- Threads ---

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                   void* arg) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    const ThreadId id = ex->spawn(
        [start, arg] {
          in::UserScope user;
          Execution* self = Execution::current();
          // This fiber stack may have served an earlier thread: new objects.
          const size_t size = self->limits().stack_size;
          const char* top = static_cast<const char*>(__builtin_frame_address(0));
          self->forget_range(top - size, size);
          void* result = start(arg);
          in::run_state().results[static_cast<size_t>(self->running_thread())] = result;
        },
        in::caller_location());
    if (id == kNoThread) return EAGAIN;
    *thread = static_cast<pthread_t>(in::kHandleTag | static_cast<uintptr_t>(id));
    return 0;
  }
  if (in::tearing_down()) return EAGAIN;
  static const auto real = in::real<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*),
                                            void*)>("pthread_create");
  return real(thread, attr, start, arg);
}

int pthread_join(pthread_t thread, void** result) {
  if (in::is_model_handle(thread)) {
    Execution* ex = Execution::current();
    if (ex == nullptr || !ex->in_thread()) return ESRCH;  // a thread of an execution gone
    const auto id = static_cast<ThreadId>(static_cast<uintptr_t>(thread) & ~in::kHandleMask);
    in::RuntimeScope scope;
    if (!ex->tearing_down()) ex->join(id, in::caller_location());
    if (result != nullptr) *result = in::run_state().results[static_cast<size_t>(id)];
    return 0;
  }
  static const auto real = in::real<int (*)(pthread_t, void**)>("pthread_join");
  return real(thread, result);
}

int pthread_detach(pthread_t thread) {
  if (in::is_model_handle(thread)) return 0;  // it runs on; nobody joins it
  static const auto real = in::real<int (*)(pthread_t)>("pthread_detach");
  return real(thread);
}

// Not a step inside an execution. A yield changes nothing, and what the
// thread does up to its next visible operation is plain accesses (checked
// for races) and local work, so a scheduling point there adds no behaviour;
// a loop that yields until an atomic changes is held by the spin detector at
// its load. As interleave::yield() it would also hold the thread until
// another thread's effective step, which is unsound for libstdc++'s
// std::atomic::wait: its spin yields, then goes on to sleep in a futex wait
// (held, it could never sleep before the notifier's store, and a missing
// notify would go unseen).
int sched_yield() {
  if (in::scheduling() != nullptr) return 0;
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)()>("sched_yield");
  return real();
}

// --- System calls: futex waits and wakes; everything else passes through ---

// Six arguments are read whatever the call takes, as the system call ABI
// passes six registers (reading past the ones given reads their save area).
long syscall(long number, ...) noexcept {
  va_list list;
  va_start(list, number);
  long args[6];
  for (long& arg : args) arg = va_arg(list, long);
  va_end(list);
  if (number == SYS_futex) {
    if (Execution* ex = in::scheduling()) {
      in::RuntimeScope scope;
      auto* word = reinterpret_cast<const uint32_t*>(args[0]);
      const int op = static_cast<int>(args[1]) & FUTEX_CMD_MASK;
      const void* pc = __builtin_return_address(0);
      switch (op) {
        case FUTEX_WAIT:
        case FUTEX_WAIT_BITSET:
          return in::futex_wait(ex, word, static_cast<uint32_t>(args[2]), args[3] != 0, pc);
        case FUTEX_WAKE:
        case FUTEX_WAKE_BITSET:
          return in::futex_wake(ex, word, static_cast<int>(args[2]), pc);
        default:
          ex->unsupported(fmt::format(
              "syscall(SYS_futex, ..., op {}, ...) at {}: only FUTEX_WAIT, FUTEX_WAKE and their "
              "_BITSET forms are modelled by the instrumented runtime (docs/instrumented.md)",
              op, in::where(in::location_of(pc))));
      }
    }
    if (in::tearing_down()) return 0;
  }
  static const auto real = in::real<long (*)(long, ...)>("syscall");
  return real(number, args[0], args[1], args[2], args[3], args[4], args[5]);
}

// --- Time: frozen inside an execution ---

// On a model thread every clock reads kFrozenTime: replays are bit for bit
// (no real time enters the program), and a polling loop such as
// `while (!ready) cv.wait_for(lock, 1ms)` computes the same deadline each
// time round, so a timeout back at the same wait in the same state is
// recognised as a repeat and held until another thread progresses
// (interleave::condition_variable's timed waits). A deadline is thus only
// ever past if it was given in the past. Elsewhere the real clock.
int clock_gettime(clockid_t clock, struct timespec* now) {
  if (in::scheduling() != nullptr) {
    now->tv_sec = in::kFrozenSeconds;
    now->tv_nsec = 0;
    return 0;
  }
  static const auto real = in::real<int (*)(clockid_t, struct timespec*)>("clock_gettime");
  return real(clock, now);
}

// --- Mutexes: interleave::mutex's operations (scheduler/api/mutex.cc) ---

int __cxa_guard_acquire(long long* guard) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    return in::guard_acquire(ex, guard, __builtin_return_address(0));
  }
  return in::real_once<int (*)(long long*)>(in::real_guard_acquire, "__cxa_guard_acquire")(guard);
}

void __cxa_guard_release(long long* guard) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    in::guard_release(ex, guard, true, __builtin_return_address(0));
    return;
  }
  if (in::tearing_down()) return;
  in::real_once<void (*)(long long*)>(in::real_guard_release, "__cxa_guard_release")(guard);
}

void __cxa_guard_abort(long long* guard) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    in::guard_release(ex, guard, false, __builtin_return_address(0));
    return;
  }
  if (in::tearing_down()) return;
  in::real_once<void (*)(long long*)>(in::real_guard_abort, "__cxa_guard_abort")(guard);
}

int __cxa_atexit(void (*destructor)(void*), void* object, void* dso) {
  if (in::scheduling() != nullptr) {
    auto& calls = in::run_state().exit_calls;
    const std::pair<void (*)(void*), void*> call{destructor, object};
    if (std::find(calls.begin(), calls.end(), call) != calls.end()) return 0;
    calls.push_back(call);
  }
  static const auto real = in::real<int (*)(void (*)(void*), void*, void*)>("__cxa_atexit");
  return real(destructor, object, dso);
}

int pthread_once(pthread_once_t* control, void (*init)()) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::once(control, init, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_once_t*, void (*)())>("pthread_once");
  return real(control, init);
}

int pthread_mutex_lock(pthread_mutex_t* mutex) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    in::mutex_at(mutex).lock(in::location_of(__builtin_return_address(0)));
    return 0;
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_mutex_t*)>("pthread_mutex_lock");
  return real(mutex);
}

int pthread_mutex_trylock(pthread_mutex_t* mutex) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::mutex_at(mutex).try_lock(in::location_of(__builtin_return_address(0))) ? 0
                                                                                      : EBUSY;
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_mutex_t*)>("pthread_mutex_trylock");
  return real(mutex);
}

// std::timed_mutex::try_lock_for/until: see in::mutex_timed_lock.
int pthread_mutex_timedlock(pthread_mutex_t* mutex, const struct timespec* deadline) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::mutex_timed_lock(mutex, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_mutex_t*, const struct timespec*)>(
      "pthread_mutex_timedlock");
  return real(mutex, deadline);
}

int pthread_mutex_clocklock(pthread_mutex_t* mutex, clockid_t clock,
                            const struct timespec* deadline) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::mutex_timed_lock(mutex, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_mutex_t*, clockid_t, const struct timespec*)>(
      "pthread_mutex_clocklock");
  return real(mutex, clock, deadline);
}

int pthread_mutex_unlock(pthread_mutex_t* mutex) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    in::mutex_at(mutex).unlock(in::location_of(__builtin_return_address(0)));
    return 0;
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_mutex_t*)>("pthread_mutex_unlock");
  return real(mutex);
}

// --- Rwlocks (std::shared_mutex): see rwlock_try ---

int pthread_rwlock_rdlock(pthread_rwlock_t* lock) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    return in::rwlock_lock(ex, lock, false, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_rdlock");
  return real(lock);
}

int pthread_rwlock_wrlock(pthread_rwlock_t* lock) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    return in::rwlock_lock(ex, lock, true, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_wrlock");
  return real(lock);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t* lock) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    return in::rwlock_trylock(ex, lock, false, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_tryrdlock");
  return real(lock);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t* lock) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    return in::rwlock_trylock(ex, lock, true, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_trywrlock");
  return real(lock);
}

// A writer's unlock (exchange to 0) if the calling thread holds it for
// writing, else a reader's (fetch_sub); an unlock nobody holds fails the
// execution.
int pthread_rwlock_unlock(pthread_rwlock_t* lock) {
  if (Execution* ex = in::scheduling()) {
    in::RuntimeScope scope;
    in::RwLock& l = in::rwlock_at(lock);
    const std::source_location location = in::location_of(__builtin_return_address(0));
    const ThreadId self = ex->running_thread();
    if (l.writer == self) {
      l.writer = kNoThread;
      l.state.exchange(0, std::memory_order_seq_cst, location);
      return 0;
    }
    if (l.state.fetch_sub(1, std::memory_order_seq_cst, location) <= 0) {
      ex->fail(interleave::FailureKind::kCheck,
               fmt::format("T{} unlocks {}, which it does not hold", self, l.state.name()),
               location);
    }
    return 0;
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_rwlock_t*)>("pthread_rwlock_unlock");
  return real(lock);
}

// --- Condition variables: interleave::condition_variable's operations
// (scheduler/api/condition_variable.h) on the mutex table's mutexes ---

int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::cond_wait(cond, mutex, false, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real =
      in::real<int (*)(pthread_cond_t*, pthread_mutex_t*)>("pthread_cond_wait");
  return real(cond, mutex);
}

int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex,
                           const struct timespec* deadline) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::cond_wait(cond, mutex, true, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real =
      in::real<int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*)>(
          "pthread_cond_timedwait");
  return real(cond, mutex, deadline);
}

int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock,
                           const struct timespec* deadline) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    return in::cond_wait(cond, mutex, true, __builtin_return_address(0));
  }
  if (in::tearing_down()) return 0;
  static const auto real =
      in::real<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const struct timespec*)>(
          "pthread_cond_clockwait");
  return real(cond, mutex, clock, deadline);
}

int pthread_cond_signal(pthread_cond_t* cond) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    in::condition_at(cond).notify_one(in::location_of(__builtin_return_address(0)));
    return 0;
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_cond_t*)>("pthread_cond_signal");
  return real(cond);
}

int pthread_cond_broadcast(pthread_cond_t* cond) {
  if (in::scheduling() != nullptr) {
    in::RuntimeScope scope;
    in::condition_at(cond).notify_all(in::location_of(__builtin_return_address(0)));
    return 0;
  }
  if (in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_cond_t*)>("pthread_cond_broadcast");
  return real(cond);
}

// Inside an execution the pthread_cond_t is never touched: its state is the
// table's, made on first use and dropped when the execution ends (a variable
// destroyed and another made at its address in one execution share it; with
// no thread waiting, as POSIX requires of a destroy, only the record of
// which threads already woke spuriously carries over).
int pthread_cond_init(pthread_cond_t* cond, const pthread_condattr_t* attr) {
  if (in::scheduling() != nullptr || in::tearing_down()) return 0;
  static const auto real =
      in::real<int (*)(pthread_cond_t*, const pthread_condattr_t*)>("pthread_cond_init");
  return real(cond, attr);
}

int pthread_cond_destroy(pthread_cond_t* cond) {
  if (in::scheduling() != nullptr || in::tearing_down()) return 0;
  static const auto real = in::real<int (*)(pthread_cond_t*)>("pthread_cond_destroy");
  return real(cond);
}

}  // extern "C"

// --- Not modelled yet: inside an execution they end the run as a usage
// error naming the call; elsewhere they pass through. ---

#define INTERLEAVE_UNSUPPORTED(ret, name, params, args)                                       \
  extern "C" ret name params {                                                                \
    if (Execution* ex = in::scheduling()) {                                                  \
      in::RuntimeScope scope;                                                                 \
      ex->unsupported(fmt::format("{} at {}: not modelled by the instrumented runtime yet "   \
                                  "(docs/instrumented.md)",                                   \
                                  #name,                                                      \
                                  in::where(in::location_of(__builtin_return_address(0))))); \
    }                                                                                         \
    static const auto real = in::real<ret(*) params>(#name);                                  \
    return real args;                                                                         \
  }
INTERLEAVE_UNSUPPORTED(int, pthread_rwlock_timedrdlock,
                       (pthread_rwlock_t * l, const struct timespec* t), (l, t))
INTERLEAVE_UNSUPPORTED(int, pthread_rwlock_timedwrlock,
                       (pthread_rwlock_t * l, const struct timespec* t), (l, t))
INTERLEAVE_UNSUPPORTED(int, pthread_rwlock_clockrdlock,
                       (pthread_rwlock_t * l, clockid_t k, const struct timespec* t), (l, k, t))
INTERLEAVE_UNSUPPORTED(int, pthread_rwlock_clockwrlock,
                       (pthread_rwlock_t * l, clockid_t k, const struct timespec* t), (l, k, t))
#undef INTERLEAVE_UNSUPPORTED
