// Vector clocks for the race detector (race_detector.h), over the steps of
// one execution.
//
// Entry u of a thread's clock is an *epoch*: one past the index of the latest
// step of thread u that happens before the thread's current point (0: none).
// Because steps are numbered across the whole execution, an epoch is also the
// step's place in the trace: step s of thread u happens before a point whose
// clock is C exactly when C[u] > s. A thread id used again by a later thread
// stays sound: every step of the later thread has a larger index than any
// epoch learned from the earlier one.
//
// Operations take a `width`: entries at and beyond it are zero in every clock
// of the execution (no thread with such an id has started), so loops stop
// there. Clocks are plain arrays: copying or joining never allocates.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "scheduler/runtime/thread_set.h"

namespace interleave {

// One past a step index; 0 means "no step".
using Epoch = uint32_t;

// The epoch of step `step` (0-based trace index).
constexpr Epoch epoch_of(uint32_t step) { return step + 1; }

class VectorClock {
 public:
  // Entry u: the epoch of u's latest step that happens before (0: none).
  Epoch operator[](ThreadId u) const { return entries_[static_cast<size_t>(u)]; }
  void set(ThreadId u, Epoch e) { entries_[static_cast<size_t>(u)] = e; }

  // Whether the step with epoch `e` of thread `u` happens before this point.
  bool knows(ThreadId u, Epoch e) const { return entries_[static_cast<size_t>(u)] >= e; }

  // This clock becomes the pointwise maximum of itself and `other`.
  void join(const VectorClock& other, int width) {
    for (int u = 0; u < width; ++u) entries_[u] = std::max(entries_[u], other.entries_[u]);
  }
  // This clock becomes a copy of `other`: of its first four entries when
  // `width` allows (one vector move; the rest are zero in both), else of all
  // (fixed-size copies are a few vector moves, cheaper than a call to memmove).
  void assign(const VectorClock& other, int width) {
    if (width <= kNarrow) {
      std::memcpy(entries_.data(), other.entries_.data(), kNarrow * sizeof(Epoch));
    } else {
      entries_ = other.entries_;
    }
  }
  // Every entry becomes 0 (every entry: see assign()).
  void clear(int /*width*/) { entries_.fill(0); }

 private:
  // Entries copied as one block when at most this many threads run.
  static constexpr int kNarrow = 4;
  alignas(16) std::array<Epoch, kMaxThreads> entries_{};
};

}  // namespace interleave
