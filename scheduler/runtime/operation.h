// Visible operations: the accesses at which the scheduler may switch threads,
// and the trace of one execution as the sequence of operations performed.
#pragma once

#include <cstdint>
#include <source_location>
#include <string_view>

#include "scheduler/runtime/thread_set.h"

namespace interleave {

enum class OpKind : uint8_t {
  kLoad,            // read of a shared<T> or atomic<T>
  kStore,           // write of a shared<T> or atomic<T>
  kExchange,        // atomic read-modify-write that replaces the value
  kCompareExchange, // atomic compare-and-swap (succeeded or failed)
  kFetchAdd,        // atomic fetch_add / fetch_sub
  kLock,            // mutex lock (blocks while another thread holds it)
  kTryLock,         // mutex try_lock (never blocks)
  kUnlock,          // mutex unlock
  kSpawn,           // a model thread starts another thread
  kJoin,            // wait for a thread to finish (blocks until it has)
  kWait,            // condition-variable wait: release the mutex and sleep
  kNotify,          // condition-variable notify_one
  kNotifyAll,       // condition-variable notify_all
  kYield,           // explicit scheduling point with no effect
  kFutexWait,       // futex wait's check (instrumented code): reads the word at `object`
                    // and, if it holds the expected value, joins the waiters of the
                    // queue at `object2`; the sleep is a kWait on the queue
};

std::string_view op_name(OpKind kind);

// A look at an atomic's value before an operation on it runs, for a strategy
// that must know what the operation will do: DPOR asks whether a
// compare_exchange would succeed now (then it writes) or fail (then it only
// reads). Set by atomic<T> for a T of at most 8 bytes whose value is its
// object representation (integers, enums, pointers, floating point);
// operations on other types have none and a compare_exchange then counts as
// a write.
struct ValueProbe {
  // The atomic's value now: its object representation in the low bytes, the
  // other bytes zero. Called with Operation::object.
  uint64_t (*current)(const void* object);
  // For a compare_exchange: `expected`, represented the same way (it
  // succeeds iff current(object) == expected). 0 for other operations.
  uint64_t expected = 0;
  // For an exchange or compare_exchange: the value it writes (`desired`),
  // represented the same way, so that one that would write the value already
  // there is seen to change nothing (spin detection, spin_window.h). 0 for
  // other operations, with `knows_desired` false.
  uint64_t desired = 0;
  bool knows_desired = false;
};

// What a thread is about to do at a scheduling point, before it does it.
struct Operation {
  OpKind kind = OpKind::kYield;
  // The shared object touched (its address identifies it; `name` names it).
  const void* object = nullptr;
  // The object's name as the model gave it, e.g. "counter".
  const char* name = "";
  // Where in the model's source the operation is written.
  std::source_location location;
  // A second object the operation touches: the mutex a condition-variable
  // wait releases; the condition variable whose timed wait a relock ends
  // (it times out if no notify chose it first). nullptr otherwise.
  const void* object2 = nullptr;
  // The thread a join waits for; kNoThread otherwise.
  ThreadId joined = kNoThread;
  // For the relock that ends a condition-variable wait: the step (0-based)
  // whose notify woke the thread, which the relock happens after. -1
  // otherwise.
  int32_t waker_step = -1;
  // For a write or compare_exchange on an atomic<T>: how to look at its
  // value (see ValueProbe); nullptr otherwise. Points into the waiting
  // thread's frame: valid only until the operation runs, so never follow it
  // from a trace's copy.
  const ValueProbe* probe = nullptr;
  // Whether the object is a plain variable (shared<T>), whose unordered
  // conflicting accesses are data races; false for atomics and the rest.
  bool plain = false;
};

// One performed operation in an execution's trace.
struct TraceStep {
  ThreadId thread = kNoThread;
  Operation op;
  // The value read by the operation, when it reads one that can be shown.
  bool has_read = false;
  // The value written by the operation, when it writes one that can be shown.
  bool has_written = false;
  // Whether the step belongs to a spin: a loop iteration its thread then
  // repeated in the same state, having read only values nobody had written
  // since, after which the thread was held until a write (spin_window.h).
  // Traces mark such steps "~".
  bool spin = false;
  // For an operation with several possible outcomes (Execution::choose(): a
  // notify_one with several waiters, a wait that may wake spuriously): how
  // many it had, and the one taken (0-based). 0 and 0 for other operations.
  uint8_t alternatives = 0;
  uint8_t alternative = 0;
  int64_t read = 0;
  int64_t written = 0;
};

}  // namespace interleave
