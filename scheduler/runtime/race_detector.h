// Data-race detection: happens-before over one execution, with vector clocks
// for threads and synchronisation objects and FastTrack-style epochs for the
// plain variables (Flanagan and Freund, "FastTrack: efficient and precise
// dynamic race detection", PLDI 2009).
//
// A data race is two accesses to one plain shared<T> by different threads, at
// least one a write, neither of which happens before the other. In C++ that
// is undefined behaviour even when every interleaving keeps the invariant.
//
// Happens-before is the transitive closure of
//  - program order: a thread's steps in the order it performs them;
//  - spawn: the spawn step, before every step of the new thread;
//  - join: every step of the joined thread, before the join;
//  - mutexes: an unlock (or the release of a condition-variable wait), before
//    every later lock or successful try_lock of the same mutex (a failed
//    try_lock synchronises with nothing);
//  - atomics (every atomic<T> operation is seq_cst under the scheduler, so
//    every store is a release and every load an acquire): a store or
//    read-modify-write, before every later load or read-modify-write of the
//    same atomic that reads its value or that of a read-modify-write after it
//    (C++'s release sequence: it ends at the next plain store of the atomic).
//    A load does not order what its thread did before it with a later store
//    by another thread: that is how C++ has it.
//  - condition variables: the notify that woke a thread, before the relock
//    that ends its wait (Operation::waker_step).
// Exploring one interleaving, the detector reports a race at the second
// access of the first racing pair, when that access is performed: every
// execution whose trace contains a race fails there, and nowhere else.
// Equivalent interleavings (one Mazurkiewicz trace) have the same
// happens-before, so DPOR, which explores one of each, misses no race.
//
// Cost: a constant number of clock entries per plain access (a read by
// several threads at once keeps one epoch per reader), a clock join per
// acquire and a copy per release, over the threads started so far. Per-object
// state lives in a small open-addressing table keyed by the object's address;
// entries of earlier executions are recognised by a generation number, so
// nothing is cleared or allocated per execution in steady state.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "scheduler/runtime/operation.h"
#include "scheduler/runtime/thread_set.h"
#include "scheduler/runtime/vector_clock.h"

namespace interleave {

class RaceDetector {
 public:
  RaceDetector() = default;
  // Leaves the object table to the next detector on this OS thread (one
  // Execution per check: a check allocates no table once one exists).
  ~RaceDetector();
  RaceDetector(const RaceDetector&) = delete;
  RaceDetector& operator=(const RaceDetector&) = delete;

  // Forgets the previous execution: no thread, no object known.
  void begin_execution();
  // Thread `child` starts; `parent` spawned it (kNoThread: one of the model's
  // own threads, started by the explorer before any step).
  void start_thread(ThreadId child, ThreadId parent);
  // Thread `t` performs `op` as step `step` (0-based trace index), with
  // `acquires_lock` telling for a try_lock whether it succeeds. Returns the
  // step index of an earlier access this one races with, or -1.
  int64_t on_step(ThreadId t, const Operation& op, uint32_t step, bool acquires_lock);
  // The object at `object` is gone (a shared<T> destroyed during the
  // execution): an object built later at the same address starts fresh.
  void forget(const void* object);

  // --- Plain accesses that are not steps (instrumented code, instrumented/) ---

  // Thread `t` reads (`write` false) or writes the plain variable at
  // `object` between two of its steps; `next_step` is the index the next
  // step of the execution will have (its trace's size), which stands for
  // the access's place in happens-before: after every step already taken,
  // before every later step of `t`. Returns the thread of an earlier access
  // it races with (and sets *earlier_write to whether that one wrote), or
  // kNoThread.
  ThreadId on_access(ThreadId t, const void* object, bool write, uint32_t next_step,
                     bool* earlier_write);
  // Thread `t` has done everything up to step `next_step` (excluded): its
  // own clock covers its plain accesses so far, so that whoever acquires
  // from it next (a join of a thread that ends, a thread it spawns) knows
  // them. A no-op for threads whose every access is a step.
  void advance(ThreadId t, uint32_t next_step);
  // Every object in [begin, begin + size) is gone (memory handed out again:
  // a fresh allocation, a reused fiber stack): objects built there later
  // start fresh. Walks the whole table: for rare events only.
  void forget_range(const void* begin, size_t size);

 private:
  // What the detector knows about one object.
  struct ObjectState {
    // The object's address; nullptr: a free slot.
    const void* object = nullptr;
    // The execution the entry belongs to; an older one means a free slot.
    uint64_t generation = 0;
    // Plain variables: the thread and epoch of the last write (kNoThread:
    // none since the object appeared).
    ThreadId writer = kNoThread;
    Epoch write = 0;
    // Plain variables: the last read since the last write, as one epoch
    // while the reads are ordered (kNoThread: none) ...
    ThreadId reader = kNoThread;
    Epoch read = 0;
    // ... or, once two reads are concurrent, every thread's last read in
    // `clock` (reads_shared).
    bool reads_shared = false;
    // Synchronisation objects (mutex, atomic): the clock released into the
    // object, which the next acquire joins. Plain variables: the concurrent
    // reads (see reads_shared).
    VectorClock clock;
  };
  // The clock of a condition-variable notify, for the relocks it wakes.
  struct NotifyClock {
    uint32_t step = 0;
    VectorClock clock;
  };

  // The state of `object` in this execution, created fresh on first use
  // (by add(), off the hot path).
  ObjectState& state_of(const void* object);
  [[gnu::noinline]] ObjectState& add(const void* object);
  // The slot of `object` (its own or the free one where it would go).
  size_t slot_of(const void* object) const;
  // Makes the table `slots` large (a power of two), keeping this
  // execution's entries.
  void resize(size_t slots);
  // The table a destroyed detector left on this OS thread (empty: none).
  static std::vector<ObjectState>& spare_table();
  // Generations are numbered per OS thread, so that entries of a table
  // another detector used are all stale to this one.
  static uint64_t next_generation();
  // Check and record a plain access at epoch `e`; return the epoch - 1 of
  // an earlier access it races with (setting conflict_thread_ and
  // conflict_write_ to its thread and kind), or -1.
  int64_t read(ThreadId t, ObjectState& s, Epoch e);
  int64_t write(ThreadId t, ObjectState& s, Epoch e);

  // The thread and kind of the earlier access read() or write() last
  // reported (written on that cold path only).
  ThreadId conflict_thread_ = kNoThread;
  bool conflict_write_ = false;

  // Each thread's clock, indexed by ThreadId.
  std::array<VectorClock, kMaxThreads> threads_;
  // Threads started in this execution: every id is below it.
  int width_ = 0;
  // Open-addressing table of object states; its size is a power of two
  // (empty until the first object is seen: an Execution that never meets
  // one allocates nothing).
  std::vector<ObjectState> objects_;
  // objects_.size() - 1, and the shift that maps a 64-bit hash to a slot.
  size_t mask_ = 0;
  int shift_ = 64;
  // Slots of objects_ in use by this execution.
  size_t used_ = 0;
  // The current execution's number (entries of older ones are free).
  uint64_t generation_ = 0;
  // Notifies of this execution, in step order (entries beyond
  // notify_count_ are stale).
  std::vector<NotifyClock> notifies_;
  size_t notify_count_ = 0;
};

}  // namespace interleave
