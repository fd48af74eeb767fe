// Counter models. Seed lesson: `counter += 1` is a load, an add and a store,
// so two threads can both load the same value and one increment is lost.
// Each thread adds 1 `iters` times; afterwards counter must equal
// threads * iters.
#pragma once

#include "scheduler/api/interleave.h"

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
    return {"counter.racy", "load, then store of value+1: a data race (found first), and increments are lost",
            {threads_param(), iters_param(1, 1'000'000)}, /*buggy=*/true};
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
            {threads_param(), iters_param(1, 1'000'000)}};
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
            {threads_param(), iters_param(1, 1'000'000)}};
  }
  using CounterBase::CounterBase;

  atomic<int> counter{"counter", 0};

  void thread(int) {
    for (int i = 0; i < iters; ++i) counter.fetch_add(1);
  }
  void invariant() { check_total(counter.load()); }
};

// counter.partitioned: each thread counts privately and publishes its own
// total once; the totals are merged after every thread has finished (the
// seed's "partition instead of share").
struct CounterPartitioned : CounterBase {
  static ModelSpec spec() {
    return {"counter.partitioned", "each thread counts privately, totals merged after join",
            {threads_param(2, kMaxPartitions), iters_param(1, 1'000'000)}};
  }
  using CounterBase::CounterBase;

  static constexpr int kMaxPartitions = 8;
  shared<int> partial[kMaxPartitions] = {
      shared<int>{"partial[0]"}, shared<int>{"partial[1]"}, shared<int>{"partial[2]"},
      shared<int>{"partial[3]"}, shared<int>{"partial[4]"}, shared<int>{"partial[5]"},
      shared<int>{"partial[6]"}, shared<int>{"partial[7]"}};

  void thread(int index) {
    int mine = 0;
    for (int i = 0; i < iters; ++i) ++mine;
    partial[index].store(mine);
  }
  void invariant() {
    int total = 0;
    for (int t = 0; t < threads; ++t) total += partial[t].load();
    check_total(total);
  }
};

}  // namespace models
