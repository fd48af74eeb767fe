// Fiber stacks, allocated once and reused by every execution: thread i of an
// execution always runs on stack i. Below each stack lies a guard region of
// inaccessible pages, so a model that overflows its stack faults (and the
// fault address says it was an overflow, see in_guard()) instead of
// corrupting memory.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <boost/context/stack_context.hpp>

#include "scheduler/runtime/thread_set.h"

namespace interleave {

class StackPool {
 public:
  static constexpr size_t kDefaultStackSize = 256 * 1024;
  // The smallest usable stack accepted (--stack-size): room for the fiber's
  // own record and a few frames of model code.
  static constexpr size_t kMinStackSize = 16 * 1024;
  // The largest (1 GiB): a bigger stack is a typo, not a model's need.
  static constexpr size_t kMaxStackSize = size_t{1} << 30;
  // Inaccessible bytes below every stack. Wider than one page so that a frame
  // with a large local array cannot jump over the guard into the stack below.
  static constexpr size_t kGuardSize = 64 * 1024;

  // `stack_size` usable bytes per stack, rounded up to whole pages.
  explicit StackPool(size_t stack_size = kDefaultStackSize);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  // The pool of the calling OS thread for stacks of `stack_size` bytes: every
  // Execution on this OS thread shares it, so stacks outlive one check.
  static StackPool& for_this_thread(size_t stack_size);

  // The stack for thread `index` (< kMaxThreads), allocated on first use and
  // kept until the pool is destroyed. `size` counts the guard region too.
  boost::context::stack_context& stack(size_t index) {
    return index < allocated_ ? stacks_[index] : allocate(index);
  }

  // Whether `address` lies in stack `index` or its guard region / in its
  // guard region only. Safe in a signal handler (no allocation, no locks);
  // false for a stack not allocated yet.
  bool contains(size_t index, const void* address) const;
  bool in_guard(size_t index, const void* address) const;
  // Whether `address` lies in the guard region of stack `index` or up to
  // kBelowGuard bytes below it: where a stack pointer ends up when a frame
  // larger than the guard overflowed the stack.
  bool in_guard_or_below(size_t index, const void* address) const;
  static constexpr size_t kBelowGuard = 16 * 1024 * 1024;

  // Spin detection fingerprints a thread's stack frames (spin_window.h), and
  // a slot a frame leaves unwritten still holds what an earlier execution on
  // this stack put there; holding a spin would then depend on that history.
  // note_hashed() records the deepest address fingerprinted on stack
  // `index`; scrub() zeroes the stack from kScrubMargin below it up to the
  // top (no-op for a stack never fingerprinted), before the stack serves a
  // new thread. The margin covers the scheduler's and the model's deeper
  // frames that ran below the fingerprinted ones.
  void note_hashed(size_t index, const void* address) {
    const char* a = static_cast<const char*>(address);
    if (lowest_hashed_[index] == nullptr || a < lowest_hashed_[index]) lowest_hashed_[index] = a;
  }
  void scrub(size_t index);
  static constexpr size_t kScrubMargin = 16 * 1024;

  // Usable bytes per stack (without the guard region).
  size_t stack_size() const { return stack_size_; }
  // How many stacks have been allocated so far.
  size_t allocated() const { return allocated_; }

 private:
  // Maps stacks up to `index`.
  boost::context::stack_context& allocate(size_t index);

  // Usable bytes per stack, excluding the guard region.
  size_t stack_size_;
  // Stack i serves thread i; the first `allocated_` are mapped. A fixed array,
  // never reallocated, so a signal handler can read it at any moment.
  std::array<boost::context::stack_context, kMaxThreads> stacks_{};
  size_t allocated_ = 0;
  // Per stack, the deepest address a fingerprint has read; null if none.
  std::array<const char*, kMaxThreads> lowest_hashed_{};
};

// A Boost.Context stack allocator for fibers built on a pooled stack: the
// stack is preallocated, so allocate() is never called and deallocate() gives
// nothing back (the pool owns the memory).
struct PooledStackAllocator {
  boost::context::stack_context allocate() { return {}; }
  void deallocate(boost::context::stack_context&) noexcept {}
};

}  // namespace interleave
