// Relaxed-memory models: bugs that need a weaker memory model than
// sequential consistency. The scheduler explores sequentially consistent
// interleavings (every atomic operation behaves as seq_cst), so it finds no
// bug in the buggy variants here: it reports "no bug under sequential
// consistency". Relacy (`interleave relacy MODEL`) honours the memory orders,
// as compilers and CPUs do, and finds them. The fixed variants pass both.
#pragma once

#include <atomic>
#include <vector>

#include "scheduler/api/interleave.h"

namespace models {

using namespace interleave;

// Message passing: T0 writes a payload (a plain shared<int>), then raises a
// flag with a `Publish` store; each reader loads the flag with `Observe` and,
// if it is raised, reads the payload. Only a release store read by an acquire
// load orders the payload write before the payload read; with relaxed
// orders the read races with the write (C++: a data race; on hardware: a
// stale payload).
template <std::memory_order Publish, std::memory_order Observe>
struct MessagePassing {
  static constexpr int kMessage = 42;
  static std::vector<ParamSpec> params() {
    return {ParamSpec{"readers", "r", 1, 1, 3, "reader threads"}};
  }
  explicit MessagePassing(const Params& p) : readers(static_cast<int>(p.get("readers"))) {}
  int thread_count() const { return 1 + readers; }

  int readers;
  shared<int> payload{"payload", 0};
  atomic<int> ready{"ready", 0};

  void thread(int index) {
    if (index == 0) {
      payload.store(kMessage);
      ready.store(1, Publish);
    } else if (ready.load(Observe) == 1) {
      int seen = payload.load();
      check(seen == kMessage, "T{} saw ready == 1 but payload == {}: the flag did not publish it",
            index, seen);
    }
  }
  void invariant() {}
};

// relaxed.message_passing: the flag stored and loaded with memory_order_relaxed.
struct MessagePassingRelaxed
    : MessagePassing<std::memory_order_relaxed, std::memory_order_relaxed> {
  static ModelSpec spec() {
    return {"relaxed.message_passing",
            "payload, then a relaxed flag: a reader that sees the flag may not see the payload "
            "(relaxed memory only)",
            params(), /*buggy=*/true, /*relaxed_only=*/true};
  }
  using MessagePassing::MessagePassing;
};

// relaxed.message_passing_acq_rel: a release store of the flag, acquire loads.
struct MessagePassingAcqRel
    : MessagePassing<std::memory_order_release, std::memory_order_acquire> {
  static ModelSpec spec() {
    return {"relaxed.message_passing_acq_rel",
            "payload, then a release store of the flag, read with acquire: the payload is seen",
            params()};
  }
  using MessagePassing::MessagePassing;
};

// Dekker-style mutual exclusion (the store-buffering pattern): each thread
// raises its own flag with a `Raise` store, then loads the other's flag with
// `Look`; if it is down, the thread enters the critical section. Under
// sequential consistency one of the two loads sees the other thread's store,
// so at most one thread enters. With release/acquire (or relaxed) both
// stores may still sit in store buffers when both loads run: both threads
// read 0 and both enter. Only seq_cst orders a store before a later load of
// another location.
template <std::memory_order Raise, std::memory_order Look>
struct Dekker {
  explicit Dekker(const Params& p) : iters(p.iters()) {}
  int thread_count() const { return 2; }

  int iters;
  atomic<int> flag0{"flag[0]", 0}, flag1{"flag[1]", 0};
  // Threads in the critical section (read-modify-writes always see the
  // latest value, whatever their order).
  atomic<int> inside{"inside", 0};

  void thread(int self) {
    atomic<int>& mine = self == 0 ? flag0 : flag1;
    atomic<int>& other = self == 0 ? flag1 : flag0;
    for (int i = 0; i < iters; ++i) {
      mine.store(1, Raise);
      if (other.load(Look) == 0) {
        int already = inside.fetch_add(1, std::memory_order_relaxed);
        check(already == 0, "mutual exclusion broken: T{} entered while T{} was inside", self,
              1 - self);
        inside.fetch_sub(1, std::memory_order_relaxed);
      }
      mine.store(0, Raise);
    }
  }
  void invariant() {}
};

// relaxed.dekker: the flags raised with release stores and read with acquire loads.
struct DekkerAcqRel : Dekker<std::memory_order_release, std::memory_order_acquire> {
  static ModelSpec spec() {
    return {"relaxed.dekker",
            "Dekker's flags with release stores and acquire loads: both threads read 0 and "
            "enter together (store buffering; relaxed memory only)",
            {iters_param(1, 3)}, /*buggy=*/true, /*relaxed_only=*/true};
  }
  using Dekker::Dekker;
};

// relaxed.dekker_seq_cst: the same protocol with seq_cst stores and loads.
struct DekkerSeqCst : Dekker<std::memory_order_seq_cst, std::memory_order_seq_cst> {
  static ModelSpec spec() {
    return {"relaxed.dekker_seq_cst",
            "Dekker's flags with seq_cst stores and loads: at most one thread enters",
            {iters_param(1, 3)}};
  }
  using Dekker::Dekker;
};

}  // namespace models
