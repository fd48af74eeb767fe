// A single-producer single-consumer ring buffer, written against `sync::`
// (examples/sync.h) the way one would write it against std.
//
// Capacity - 1 items fit: the slot before `head_` stays empty, so that
// head_ == tail_ means empty. The producer owns tail_, the consumer head_;
// each publishes its index with a release store and reads the other's with
// an acquire load. Slots are relaxed atomics: a consumer that reads a slot
// while it is written is then a stale value, not undefined behaviour, and
// every slot access is an operation the checker can interleave (plain memory
// is not a visible operation for interleave).
//
// The planted bug (PublishFirst = true): push() publishes the new tail before
// it writes the slot, as after a refactoring that moved the "commit" up. The
// consumer can then pop the slot before the value is in it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "examples/sync.h"

namespace examples::EXAMPLES_SYNC_NS {

template <class T, size_t Capacity, bool PublishFirst = false>
class SpscRing {
 public:
  // Producer only: appends `value`; false when the ring is full.
  bool push(T value) {
    size_t tail = tail_.load(sync::memory_order_relaxed);
    size_t next = (tail + 1) % Capacity;
    if (next == head_.load(sync::memory_order_acquire)) return false;
    if (PublishFirst) {
      tail_.store(next, sync::memory_order_release);
      slots_[tail].store(value, sync::memory_order_relaxed);
    } else {
      slots_[tail].store(value, sync::memory_order_relaxed);
      tail_.store(next, sync::memory_order_release);
    }
    return true;
  }

  // Consumer only: removes and returns the oldest item; nullopt when empty.
  std::optional<T> pop() {
    size_t head = head_.load(sync::memory_order_relaxed);
    if (head == tail_.load(sync::memory_order_acquire)) return std::nullopt;
    T value = slots_[head].load(sync::memory_order_relaxed);
    head_.store((head + 1) % Capacity, sync::memory_order_release);
    return value;
  }

 private:
  // Next slot to pop (consumer's), next slot to fill (producer's).
  sync::atomic<size_t> head_{0};
  sync::atomic<size_t> tail_{0};
  // The items; a value-initialised T in slots never written.
  std::array<sync::atomic<T>, Capacity> slots_{};
};

}  // namespace examples::EXAMPLES_SYNC_NS
