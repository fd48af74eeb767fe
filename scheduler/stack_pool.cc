#include "scheduler/stack_pool.h"

#include <boost/context/protected_fixedsize_stack.hpp>

namespace interleave {

StackPool::StackPool(size_t stack_size) : stack_size_(stack_size) {}

StackPool::~StackPool() {
  boost::context::protected_fixedsize_stack allocator(stack_size_);
  for (auto& s : stacks_) allocator.deallocate(s);
}

boost::context::stack_context& StackPool::stack(size_t index) {
  boost::context::protected_fixedsize_stack allocator(stack_size_);
  while (stacks_.size() <= index) stacks_.push_back(allocator.allocate());
  return stacks_[index];
}

}  // namespace interleave
