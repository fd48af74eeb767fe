// Fiber stacks, allocated once and reused by every execution: thread i of an
// execution always runs on stack i. Each stack has a guard page below it, so
// a model that overflows its stack faults instead of corrupting memory.
#pragma once

#include <cstddef>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace interleave {

class StackPool {
 public:
  static constexpr size_t kDefaultStackSize = 256 * 1024;

  explicit StackPool(size_t stack_size = kDefaultStackSize);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  // The pool of the calling OS thread for stacks of `stack_size` bytes: every
  // Execution on this OS thread shares it, so stacks outlive one check.
  static StackPool& for_this_thread(size_t stack_size);

  // The stack for thread `index`, allocated on first use and kept until the
  // pool is destroyed.
  boost::context::stack_context& stack(size_t index);

  // How many stacks have been allocated so far.
  size_t allocated() const { return stacks_.size(); }

 private:
  // Usable bytes per stack, excluding the guard page.
  size_t stack_size_;
  // Stack i serves thread i.
  std::vector<boost::context::stack_context> stacks_;
};

// A Boost.Context stack allocator for fibers built on a pooled stack: the
// stack is preallocated, so allocate() is never called and deallocate() gives
// nothing back (the pool owns the memory).
struct PooledStackAllocator {
  boost::context::stack_context allocate() { return {}; }
  void deallocate(boost::context::stack_context&) noexcept {}
};

}  // namespace interleave
