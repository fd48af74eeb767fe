// std_like::latch: the interface of std::latch.
//
// Under the scheduler the count is one interleave::atomic<std::ptrdiff_t>:
// count_down(n) is one fetch_sub; wait() re-reads the count until it is 0, a
// loop held as a spin until another thread writes the count
// (docs/spin_waits.md), so a waiting thread is not runnable and a latch that
// never reaches 0 ends the execution as a livelock. Counting below zero fails
// the execution (undefined behaviour in C++). Natively it is a std::latch.
#pragma once

#include <cstddef>
#include <latch>
#include <source_location>

#include <fmt/format.h>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

class latch {
 public:
  using Location = std::source_location;

  static constexpr std::ptrdiff_t max() noexcept { return std::latch::max(); }

  explicit latch(std::ptrdiff_t expected, Location location = Location::current())
      : count_(detail::default_name("latch", location), expected), native_(expected) {}
  latch(const latch&) = delete;
  latch& operator=(const latch&) = delete;

  // Renames it in traces; `name` must outlive the model.
  latch& name(const char* name) {
    count_.set_name(name);
    return *this;
  }
  const char* name() const { return count_.name(); }

  // Subtracts `update` (at most the count left).
  void count_down(std::ptrdiff_t update = 1, Location location = Location::current()) {
    if (detail::native()) return native_.count_down(update);
    std::ptrdiff_t was = count_.fetch_sub(update, std::memory_order_seq_cst, location);
    if (detail::engine() == detail::Engine::kScheduler && (update < 0 || update > was)) {
      detail::fail(fmt::format("count_down({}) of {} with {} left: below zero", update, name(), was),
                   location);
    }
  }
  // Whether the count is 0; never waits.
  bool try_wait(Location location = Location::current()) const {
    if (detail::native()) return native_.try_wait();
    return count_.load(std::memory_order_seq_cst, location) == 0;
  }
  // Waits until the count is 0 (returns at once on the model's constructor
  // or invariant, where nothing could lower it).
  void wait(Location location = Location::current()) const {
    if (detail::native()) return native_.wait();
    while (count_.load(std::memory_order_seq_cst, location) != 0) {
      if (detail::engine() != detail::Engine::kScheduler) return;
    }
  }
  // count_down(update), then wait().
  void arrive_and_wait(std::ptrdiff_t update = 1, Location location = Location::current()) {
    if (detail::native()) return native_.arrive_and_wait(update);
    count_down(update, location);
    wait(location);
  }

 private:
  // The count under the scheduler and in the model's constructor/invariant.
  interleave::atomic<std::ptrdiff_t> count_;
  // The latch natively (mutable: std::latch::wait is const).
  mutable std::latch native_;
};

}  // namespace interleave::std_like
