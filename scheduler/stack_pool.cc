#include "scheduler/stack_pool.h"

#include <memory>

#include <boost/context/protected_fixedsize_stack.hpp>

namespace interleave {

StackPool::StackPool(size_t stack_size) : stack_size_(stack_size) {}

StackPool::~StackPool() {
  boost::context::protected_fixedsize_stack allocator(stack_size_);
  for (auto& s : stacks_) allocator.deallocate(s);
}

StackPool& StackPool::for_this_thread(size_t stack_size) {
  // One pool per distinct size; in practice one or two.
  thread_local std::vector<std::unique_ptr<StackPool>> pools;
  for (auto& pool : pools) {
    if (pool->stack_size_ == stack_size) return *pool;
  }
  pools.push_back(std::make_unique<StackPool>(stack_size));
  return *pools.back();
}

boost::context::stack_context& StackPool::stack(size_t index) {
  boost::context::protected_fixedsize_stack allocator(stack_size_);
  while (stacks_.size() <= index) stacks_.push_back(allocator.allocate());
  return stacks_[index];
}

}  // namespace interleave
