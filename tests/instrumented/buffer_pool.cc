// Treiber's lock-free stack (R. K. Treiber, "Systems Programming: Coping
// with Parallelism", IBM Research Report RJ 5118, 1986) used for what it was
// first used for: the free list of a pool of fixed-size blocks. acquire()
// pops a free buffer, release() pushes one back; the free buffers are linked
// through the pool's own slots, so a released buffer is the next one handed
// out.
//
// The ABA problem (IBM System/370 Principles of Operation, the
// compare-and-swap examples): acquire() reads the head A and A's successor
// B, then compare-and-swaps the head from A to B. If meanwhile another
// thread pops A, pops B and pushes A back, the head is A again and the CAS
// succeeds: the head becomes B, a buffer the other thread holds, and
// whatever A now links to is lost. The classic fix, used here as many real
// pools do it: the head is a slot index packed with a tag that every pop
// increments, in one 64-bit word, so a stale head no longer compares equal.
//
// The successor links are std::atomic (relaxed): a stale acquire() reads
// the link while another thread's release() rewrites it, which a plain
// field would make a data race. The bug shown is the ABA alone.
//
// Nothing here was written for interleave: compiled with -fsanitize=thread
// and linked with its runtime (docs/instrumented.md), the same code runs
// under the scheduler.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

// What the pool hands out.
struct Buffer {
  char bytes[64];
};

// N buffers; the free ones form a Treiber stack linked through the slots.
// The head is a pointer: the ABA problem.
template <class T, size_t N>
class BufferPool {
 public:
  BufferPool() {
    for (size_t i = 0; i < N; ++i) {
      slots_[i].next.store(i + 1 < N ? &slots_[i + 1] : nullptr, std::memory_order_relaxed);
    }
    free_.store(&slots_[0], std::memory_order_relaxed);
  }
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A free buffer, or nullptr when every one is in use.
  T* acquire() {
    Slot* top = free_.load(std::memory_order_acquire);
    while (top != nullptr &&
           !free_.compare_exchange_weak(top, top->next.load(std::memory_order_relaxed),
                                        std::memory_order_acquire, std::memory_order_acquire)) {
    }
    return top == nullptr ? nullptr : &top->value;
  }

  // Gives back a buffer that acquire() returned.
  void release(T* buffer) {
    Slot* slot = reinterpret_cast<Slot*>(buffer);  // value is the first member
    Slot* top = free_.load(std::memory_order_relaxed);
    do {
      slot->next.store(top, std::memory_order_relaxed);
    } while (!free_.compare_exchange_weak(top, slot, std::memory_order_release,
                                          std::memory_order_relaxed));
  }

 private:
  struct Slot {
    T value;
    std::atomic<Slot*> next;
  };
  Slot slots_[N];
  std::atomic<Slot*> free_;
};

// The same pool with a tagged head: the top slot's index in the low 32 bits
// (kNone when the pool is empty), a count of pops in the high 32 bits.
template <class T, size_t N>
class TaggedBufferPool {
 public:
  TaggedBufferPool() {
    for (size_t i = 0; i < N; ++i) {
      slots_[i].next.store(i + 1 < N ? static_cast<uint32_t>(i + 1) : kNone,
                           std::memory_order_relaxed);
    }
    head_.store(pack(0, 0), std::memory_order_relaxed);
  }
  TaggedBufferPool(const TaggedBufferPool&) = delete;
  TaggedBufferPool& operator=(const TaggedBufferPool&) = delete;

  // A free buffer, or nullptr when every one is in use.
  T* acquire() {
    uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const uint32_t top = index_of(head);
      if (top == kNone) return nullptr;
      const uint32_t next = slots_[top].next.load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(head, pack(tag_of(head) + 1, next),
                                      std::memory_order_acquire, std::memory_order_acquire)) {
        return &slots_[top].value;
      }
    }
  }

  // Gives back a buffer that acquire() returned.
  void release(T* buffer) {
    const auto slot = static_cast<uint32_t>(reinterpret_cast<Slot*>(buffer) - slots_);
    uint64_t head = head_.load(std::memory_order_relaxed);
    do {
      slots_[slot].next.store(index_of(head), std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(head, pack(tag_of(head), slot),
                                          std::memory_order_release, std::memory_order_relaxed));
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static uint64_t pack(uint32_t tag, uint32_t index) { return uint64_t{tag} << 32 | index; }
  static uint32_t index_of(uint64_t head) { return static_cast<uint32_t>(head); }
  static uint32_t tag_of(uint64_t head) { return static_cast<uint32_t>(head >> 32); }

  struct Slot {
    T value;
    std::atomic<uint32_t> next;
  };
  Slot slots_[N];
  std::atomic<uint64_t> head_;
};

constexpr size_t kBuffers = 3;

// Two threads use a pool of three buffers: a takes one and keeps it; b takes
// two, keeps the second and gives the first back (pop A, pop B, push A: the
// ABA). Afterwards every buffer must be in exactly one place: held by a,
// held by b, or free (T0 drains the free list to see).
template <class Pool>
void share_a_pool() {
  Pool pool;
  Buffer* held_by_a = nullptr;
  Buffer* held_by_b = nullptr;
  std::thread a([&] { held_by_a = pool.acquire(); });
  std::thread b([&] {
    Buffer* first = pool.acquire();
    held_by_b = pool.acquire();
    pool.release(first);
  });
  a.join();
  b.join();

  // Where each buffer is: held, then free. One more than the pool has would
  // mean a loop in the free list.
  Buffer* seen[kBuffers + 1] = {held_by_a, held_by_b};
  size_t count = 2;
  while (count < kBuffers + 1) {
    Buffer* free = pool.acquire();
    if (free == nullptr) break;
    seen[count++] = free;
  }
  size_t distinct = 0;
  for (size_t i = 0; i < count; ++i) {
    bool repeated = seen[i] == nullptr;
    for (size_t j = 0; j < i; ++j) repeated = repeated || seen[j] == seen[i];
    if (!repeated) ++distinct;
  }
  INTERLEAVE_CHECK(count == kBuffers && distinct == kBuffers,
                   "the pool lost track of its buffers: {} held or free, {} distinct, expected {} "
                   "(a buffer both in use and free, and one gone)",
                   count, distinct, kBuffers);
}

}  // namespace

// The ABA: found by DFS in its 2nd execution (measured): a loads the head
// (buffer 0) and its successor (1); b takes 0 and 1 and gives 0 back, the
// head is 0 again, linked to 2; a's compare-and-swap succeeds and makes
// buffer 1, which b holds, the head. Buffer 1 is then both in use and free,
// and buffer 2 is gone.
INTERLEAVE_INSTRUMENTED_TEST(buffer_pool_aba,
                             "Treiber free list with a pointer head: the ABA problem") {
  share_a_pool<BufferPool<Buffer, kBuffers>>();
}

// The tagged head passes every schedule. Visible operations: the
// constructor's four stores (T0 alone), T0's two starts and two joins, a's
// three (load head, load link, CAS), b's nine (three per pop and push),
// more when a CAS fails and its loop loads the link again; T0's drain after
// the joins runs alone. DFS orders a's and b's operations, and T0's joins,
// every way (starts, and joins of finished threads, go first unbranched):
// 3,355 executions (measured; tests/instrumented_demo_test.cc holds the
// count).
INTERLEAVE_INSTRUMENTED_TEST(buffer_pool_tagged,
                             "Treiber free list with a tagged index head (no ABA)") {
  share_a_pool<TaggedBufferPool<Buffer, kBuffers>>();
}
