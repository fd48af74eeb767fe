// Small models that more than one test uses.
#pragma once

#include "scheduler/api/interleave.h"

namespace test {

// The ABBA deadlock: T0 locks a then b, T1 b then a.
struct Abba {
  static interleave::ModelSpec spec() {
    return {"test.abba", "T0 locks a then b, T1 b then a", {}, /*buggy=*/true};
  }
  explicit Abba(const interleave::Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    interleave::mutex& first = index == 0 ? a : b;
    interleave::mutex& second = index == 0 ? b : a;
    first.lock();
    second.lock();
    second.unlock();
    first.unlock();
  }
  void invariant() {}
  interleave::mutex a{"a"}, b{"b"};
};

}  // namespace test
