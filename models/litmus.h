// Small programs whose numbers of executions under sequential consistency
// are published (GenMC, Nidhugg), to check that DPOR explores exactly one
// execution per trace: inc(N) -> 4, 36, 576 for N = 2, 3, 4; readers(N) ->
// 2^N; lastzero(N) -> 64 for N = 5, 3328 for N = 10. None has a bug.
//
// The published programs access plain variables without synchronisation, a
// data race by design; here they are atomic<int> (seq_cst under the
// scheduler, so the executions are the same and the counts hold) and race
// detection has nothing to report.
#pragma once

#include "scheduler/api/interleave.h"

namespace models {

using namespace interleave;

// inc(N): thread i loads x, then stores the loaded value + 2^i.
struct Inc {
  static ModelSpec spec() {
    return {"litmus.inc", "N threads each load x then store x + 2^i (DPOR count check)",
            {{"n", "n", 2, 1, 8, "threads"}}};
  }
  explicit Inc(const Params& p) : n(static_cast<int>(p.get("n"))) {}
  int thread_count() const { return n; }

  int n;
  atomic<int> x{"x", 0};

  void thread(int i) { x.store(x.load() + (1 << i)); }
  void invariant() {}
};

// readers(N): one thread stores x = 42; N reader threads each load x once.
struct Readers {
  static ModelSpec spec() {
    return {"litmus.readers", "one writer, N readers of x (DPOR count check: 2^N)",
            {{"n", "n", 2, 1, 20, "readers"}}};
  }
  explicit Readers(const Params& p) : n(static_cast<int>(p.get("n"))) {}
  int thread_count() const { return n + 1; }

  int n;
  atomic<int> x{"x", 0};

  void thread(int i) {
    if (i == 0) {
      x.store(42);
    } else {
      x.load();
    }
  }
  void invariant() {}
};

// lastzero(N): array[0..N] of zeros. Thread 0 scans i from N down while
// array[i] != 0; thread j = 1..N stores array[j] = array[j-1] + 1.
struct LastZero {
  static constexpr int kMaxN = 15;
  static ModelSpec spec() {
    return {"litmus.lastzero", "a scan for the last zero against N writers (DPOR count check)",
            {{"n", "n", 3, 1, kMaxN, "writer threads"}}};
  }
  explicit LastZero(const Params& p) : n(static_cast<int>(p.get("n"))) {}
  int thread_count() const { return n + 1; }

  int n;
  atomic<int> array[kMaxN + 1] = {
      atomic<int>{"array[0]"},  atomic<int>{"array[1]"},  atomic<int>{"array[2]"},
      atomic<int>{"array[3]"},  atomic<int>{"array[4]"},  atomic<int>{"array[5]"},
      atomic<int>{"array[6]"},  atomic<int>{"array[7]"},  atomic<int>{"array[8]"},
      atomic<int>{"array[9]"},  atomic<int>{"array[10]"}, atomic<int>{"array[11]"},
      atomic<int>{"array[12]"}, atomic<int>{"array[13]"}, atomic<int>{"array[14]"},
      atomic<int>{"array[15]"}};

  void thread(int j) {
    if (j == 0) {
      for (int i = n; array[i].load() != 0; --i) {
      }
    } else {
      array[j].store(array[j - 1].load() + 1);
    }
  }
  void invariant() {}
};

}  // namespace models
