// std_like::once_flag and call_once: the interface of std::call_once.
//
// Under the scheduler the flag is one interleave::atomic<int>: 0 not called,
// 1 running, 2 done. call_once takes it from 0 to 1 with a compare_exchange
// (one visible step), runs the callable, and stores 2; if the callable throws,
// it stores 0 back and the exception goes on (the next caller tries again, as
// in C++). A caller that finds 1 tries again until the flag changes, a loop
// held as a spin until the running caller writes it (docs/spin_waits.md); one that
// finds 2 returns. Natively it is std::call_once on a std::once_flag.
//
// call_once(flag, f) records the caller's line; call_once(flag, f, args...)
// records this header's (a parameter pack cannot be followed by a defaulted
// std::source_location).
#pragma once

#include <functional>
#include <mutex>
#include <source_location>
#include <utility>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

class once_flag {
 public:
  using Location = std::source_location;

  once_flag(Location location = Location::current())
      : state_(detail::default_name("once_flag", location), kNotCalled) {}
  once_flag(const once_flag&) = delete;
  once_flag& operator=(const once_flag&) = delete;

  // Renames it in traces; `name` must outlive the model.
  once_flag& name(const char* name) {
    state_.set_name(name);
    return *this;
  }
  const char* name() const { return state_.name(); }

  // call_once's work: runs `f` once over all callers (see the top of this
  // file). Call call_once() instead.
  template <class F>
  void call(F&& f, Location location) {
    if (detail::native()) return std::call_once(native_, std::forward<F>(f));
    for (;;) {
      int expected = kNotCalled;
      if (state_.compare_exchange_strong(expected, kRunning, std::memory_order_seq_cst, location)) {
        try {
          std::invoke(std::forward<F>(f));
        } catch (...) {
          state_.store(kNotCalled, std::memory_order_seq_cst, location);
          throw;
        }
        state_.store(kDone, std::memory_order_seq_cst, location);
        return;
      }
      if (expected == kDone) return;
      // Another caller runs it; on the model's constructor or invariant
      // nothing could finish it.
      if (detail::engine() != detail::Engine::kScheduler) return;
    }
  }

 private:
  static constexpr int kNotCalled = 0, kRunning = 1, kDone = 2;
  // kNotCalled, kRunning or kDone (scheduler and execution).
  interleave::atomic<int> state_;
  // The flag natively.
  std::once_flag native_;
};

// Calls f() unless a call on `flag` has completed; concurrent callers wait
// for the one that runs it.
template <class F>
void call_once(once_flag& flag, F&& f,
               std::source_location location = std::source_location::current()) {
  flag.call(std::forward<F>(f), location);
}
// Calls f(args...) the same way.
template <class F, class Arg, class... Args>
void call_once(once_flag& flag, F&& f, Arg&& arg, Args&&... args) {
  flag.call([&] { std::invoke(std::forward<F>(f), std::forward<Arg>(arg), std::forward<Args>(args)...); },
            std::source_location::current());
}

}  // namespace interleave::std_like
