// std_like::counting_semaphore<LeastMaxValue> and binary_semaphore: the
// interface of <semaphore>'s.
//
// Under the scheduler the count is one interleave::atomic<std::ptrdiff_t>.
// release(n) is one fetch_add. acquire() is a compare_exchange that takes one
// unit (it first guesses a count of 1; a failed guess is one more read-like
// step, after which it knows the count); while the count is 0 it tries again,
// a loop held as a spin until another thread writes the count
// (docs/spin_waits.md), so a waiting thread is not runnable and a semaphore
// nobody releases ends the execution as a livelock. A release beyond max() or
// of a negative update fails the execution (undefined behaviour in C++).
//
// try_acquire_for / try_acquire_until are try_acquire() under the scheduler:
// they take a unit if there is one when the thread performs them and time
// out (return false) if there is none then. The scheduler may perform them at
// any point from the call on, so this is every way the call can end (waited
// until another thread released a unit, or timed out while there was none);
// the duration is not looked at.
// Natively every operation is the std::counting_semaphore's.
#pragma once

#include <chrono>
#include <cstddef>
#include <semaphore>
#include <source_location>

#include <fmt/format.h>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

template <std::ptrdiff_t LeastMaxValue = std::counting_semaphore<>::max()>
class counting_semaphore {
 public:
  using Location = std::source_location;

  static constexpr std::ptrdiff_t max() noexcept {
    return std::counting_semaphore<LeastMaxValue>::max();
  }

  // Starts with `desired` units (0 <= desired <= max()).
  explicit counting_semaphore(std::ptrdiff_t desired, Location location = Location::current())
      : count_(detail::default_name("counting_semaphore", location), desired), native_(desired) {}
  counting_semaphore(const counting_semaphore&) = delete;
  counting_semaphore& operator=(const counting_semaphore&) = delete;

  // Renames it in traces; `name` must outlive the model.
  counting_semaphore& name(const char* name) {
    count_.set_name(name);
    return *this;
  }
  const char* name() const { return count_.name(); }

  // Adds `update` units, waking waiters.
  void release(std::ptrdiff_t update = 1, Location location = Location::current()) {
    if (detail::native()) return native_.release(update);
    std::ptrdiff_t was = count_.fetch_add(update, std::memory_order_seq_cst, location);
    if (detail::engine() == detail::Engine::kScheduler && (update < 0 || was > max() - update)) {
      detail::fail(fmt::format("release({}) of {} holding {}: the count would leave [0, {}]",
                               update, name(), was, max()),
                   location);
    }
  }

  // Takes one unit, waiting while there is none.
  void acquire(Location location = Location::current()) {
    if (detail::native()) return native_.acquire();
    std::ptrdiff_t expected = 1;
    for (;;) {
      if (expected > 0) {
        if (count_.compare_exchange_strong(expected, expected - 1, std::memory_order_seq_cst,
                                           location)) {
          return;
        }
        continue;  // expected is now the count
      }
      // No unit; on the model's constructor or invariant nothing could add one.
      if (detail::engine() != detail::Engine::kScheduler) return;
      expected = 1;
    }
  }
  // Takes one unit if there is one; never waits.
  bool try_acquire(Location location = Location::current()) {
    if (detail::native()) return native_.try_acquire();
    std::ptrdiff_t expected = 1;
    while (expected > 0) {
      if (count_.compare_exchange_strong(expected, expected - 1, std::memory_order_seq_cst,
                                         location)) {
        return true;
      }
    }
    return false;
  }
  // Takes one unit, or returns false if there is none until the timeout
  // (see the top of this file).
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout,
                       Location location = Location::current()) {
    if (detail::native()) return native_.try_acquire_for(timeout);
    return try_acquire(location);
  }
  template <class Clock, class Duration>
  bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& deadline,
                         Location location = Location::current()) {
    if (detail::native()) return native_.try_acquire_until(deadline);
    return try_acquire(location);
  }

 private:
  // The count under the scheduler and in the model's constructor/invariant.
  interleave::atomic<std::ptrdiff_t> count_;
  // The semaphore natively.
  std::counting_semaphore<LeastMaxValue> native_;
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace interleave::std_like
