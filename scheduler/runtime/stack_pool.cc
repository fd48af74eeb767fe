#include "scheduler/runtime/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

namespace interleave {

namespace {

size_t page_size() {
  static const size_t size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

size_t round_to_pages(size_t bytes) {
  const size_t page = page_size();
  return (bytes + page - 1) / page * page;
}

uintptr_t bottom_of(const boost::context::stack_context& s) {
  return reinterpret_cast<uintptr_t>(s.sp) - s.size;
}

}  // namespace

StackPool::StackPool(size_t stack_size) : stack_size_(round_to_pages(stack_size)) {}

StackPool::~StackPool() {
  for (size_t i = 0; i < allocated_; ++i) {
    ::munmap(reinterpret_cast<void*>(bottom_of(stacks_[i])), stacks_[i].size);
  }
}

StackPool& StackPool::for_this_thread(size_t stack_size) {
  // One pool per distinct size; in practice one or two.
  thread_local std::vector<std::unique_ptr<StackPool>> pools;
  const size_t rounded = round_to_pages(stack_size);
  for (auto& pool : pools) {
    if (pool->stack_size_ == rounded) return *pool;
  }
  pools.push_back(std::make_unique<StackPool>(stack_size));
  return *pools.back();
}

boost::context::stack_context& StackPool::allocate(size_t index) {
  const size_t guard = round_to_pages(kGuardSize);
  while (allocated_ <= index) {
    // One mapping: the guard region at the bottom, the usable stack above it.
    const size_t total = guard + stack_size_;
    void* base = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    if (::mprotect(base, guard, PROT_NONE) != 0) {
      ::munmap(base, total);
      throw std::bad_alloc();
    }
    boost::context::stack_context& s = stacks_[allocated_];
    s.size = total;
    s.sp = static_cast<char*>(base) + total;
    ++allocated_;
  }
  return stacks_[index];
}

void StackPool::scrub(size_t index) {
  const char* lowest = lowest_hashed_[index];
  if (lowest == nullptr) return;
  char* top = static_cast<char*>(stacks_[index].sp);
  char* bottom = top - stack_size_;  // the usable part, above the guard
  const ptrdiff_t margin = static_cast<ptrdiff_t>(kScrubMargin);
  char* from = bottom + std::max<ptrdiff_t>(0, (lowest - bottom) - margin);
  std::memset(from, 0, static_cast<size_t>(top - from));
}

bool StackPool::contains(size_t index, const void* address) const {
  if (index >= allocated_) return false;
  const uintptr_t a = reinterpret_cast<uintptr_t>(address);
  return a >= bottom_of(stacks_[index]) && a < reinterpret_cast<uintptr_t>(stacks_[index].sp);
}

bool StackPool::in_guard(size_t index, const void* address) const {
  if (index >= allocated_) return false;
  const uintptr_t a = reinterpret_cast<uintptr_t>(address);
  const uintptr_t bottom = bottom_of(stacks_[index]);
  return a >= bottom && a < bottom + round_to_pages(kGuardSize);
}

bool StackPool::in_guard_or_below(size_t index, const void* address) const {
  if (index >= allocated_) return false;
  const uintptr_t a = reinterpret_cast<uintptr_t>(address);
  const uintptr_t bottom = bottom_of(stacks_[index]);
  return a < bottom + round_to_pages(kGuardSize) && a + kBelowGuard >= bottom;
}

}  // namespace interleave
