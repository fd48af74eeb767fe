// Counter models. Seed lesson: `counter += 1` is a load, an add and a store,
// so two threads can both load the same value and one increment is lost.
// Each thread adds 1 `iters` times; afterwards counter must equal
// threads * iters.
#pragma once

#include "scheduler/interleave.h"

namespace models {

using namespace interleave;

// The shape all three variants share: a counter, threads x iters increments.
struct CounterBase {
  explicit CounterBase(const Params& p) : threads(p.threads()), iters(p.iters()) {}

  void check_total(int total) {
    int expected = threads * iters;
    check(total == expected, "lost update: {} increments, counter == {}", expected, total);
  }

  int threads, iters;
};

// counter.racy: load, then store of the loaded value + 1.
struct CounterRacy : CounterBase {
  static ModelSpec spec() {
    return {"counter.racy", "load, then store of value+1: increments are lost",
            {threads_param(), iters_param()}};
  }
  using CounterBase::CounterBase;

  shared<int> counter{"counter", 0};

  void thread(int) {
    for (int i = 0; i < iters; ++i) {
      int value = counter.load();
      counter.store(value + 1);
    }
  }
  void invariant() { check_total(counter.load()); }
};

// counter.locked: the same increment, under a mutex.
struct CounterLocked : CounterBase {
  static ModelSpec spec() {
    return {"counter.locked", "the increment under a mutex: no update lost",
            {threads_param(), iters_param()}};
  }
  using CounterBase::CounterBase;

  shared<int> counter{"counter", 0};
  mutex lock{"lock"};

  void thread(int) {
    for (int i = 0; i < iters; ++i) {
      lock_guard guard(lock);
      int value = counter.load();
      counter.store(value + 1);
    }
  }
  void invariant() { check_total(counter.load()); }
};

// counter.atomic: one atomic fetch_add per increment.
struct CounterAtomic : CounterBase {
  static ModelSpec spec() {
    return {"counter.atomic", "one atomic fetch_add per increment: no update lost",
            {threads_param(), iters_param()}};
  }
  using CounterBase::CounterBase;

  atomic<int> counter{"counter", 0};

  void thread(int) {
    for (int i = 0; i < iters; ++i) counter.fetch_add(1);
  }
  void invariant() { check_total(counter.load()); }
};

}  // namespace models
