// std_like::shared_mutex and shared_timed_mutex: the interface of
// <shared_mutex>'s (exclusive lock, try_lock, unlock; shared lock_shared,
// try_lock_shared, unlock_shared; shared_timed_mutex's try_lock_for/until and
// try_lock_shared_for/until).
//
// Under the scheduler its state is one interleave::atomic<int>: -1 while a
// writer holds it, else the number of readers. Each operation is one
// compare_exchange (or fetch_sub / exchange for the unlocks) when it does not
// have to wait, so an uncontended lock is one visible step. A thread that has
// to wait retries: a failed compare_exchange changes nothing, so the loop is
// held as a spin until another thread writes the
// state (docs/spin_waits.md). A thread waiting for the shared_mutex is
// therefore not runnable, as with a mutex, but a deadlock involving it is
// reported as a livelock (every live thread held) rather than as "waits to
// lock". Unlocking what the thread does not hold fails the execution
// (undefined behaviour in C++), as far as the state shows it: an unlock with no
// writer inside, an unlock_shared with no reader inside.
//
// On the model's constructor or invariant (kExecution), where no other thread
// runs, a lock that would have to wait returns without the lock: waiting there
// could never end.
//
// shared_timed_mutex's timed tries are its try_lock / try_lock_shared under
// the scheduler, which may perform them at any point from the call on: they
// take the mutex if it can be taken then and time out if not (as timed_mutex,
// scheduler/api/std/mutex.h).
//
// Natively they are std::shared_mutex and std::shared_timed_mutex.
#pragma once

#include <chrono>
#include <shared_mutex>
#include <source_location>

#include <fmt/format.h>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

// What shared_mutex and shared_timed_mutex share: `Native` is the std type
// used outside an execution; `type` (a string literal) starts the default name.
template <class Native>
class basic_shared_mutex {
 public:
  using Location = std::source_location;

  basic_shared_mutex(const char* type, Location location)
      : state_(detail::default_name(type, location), 0) {}
  basic_shared_mutex(const basic_shared_mutex&) = delete;
  basic_shared_mutex& operator=(const basic_shared_mutex&) = delete;

  const char* name() const { return state_.name(); }

  // Exclusive ownership: waits until no reader and no writer holds it.
  void lock(Location location = Location::current()) {
    if (detail::native()) return native_.lock();
    int expected = 0;
    while (!state_.compare_exchange_strong(expected, kWriter, std::memory_order_seq_cst, location)) {
      if (detail::engine() != detail::Engine::kScheduler) return;  // see kExecution below
      expected = 0;
    }
  }
  bool try_lock(Location location = Location::current()) {
    if (detail::native()) return native_.try_lock();
    int expected = 0;
    return state_.compare_exchange_strong(expected, kWriter, std::memory_order_seq_cst, location);
  }
  void unlock(Location location = Location::current()) {
    if (detail::native()) return native_.unlock();
    int was = state_.exchange(0, std::memory_order_seq_cst, location);
    if (was != kWriter && detail::engine() == detail::Engine::kScheduler) {
      detail::fail(fmt::format("unlock of {}, which no writer holds ({} readers)", name(), was),
                   location);
    }
  }

  // Shared ownership: waits while a writer holds it.
  void lock_shared(Location location = Location::current()) {
    if (detail::native()) return native_.lock_shared();
    int expected = 0;
    for (;;) {
      if (expected == kWriter) {
        if (detail::engine() != detail::Engine::kScheduler) return;  // see kExecution below
          expected = 0;
      }
      if (state_.compare_exchange_strong(expected, expected + 1, std::memory_order_seq_cst,
                                         location)) {
        return;
      }
    }
  }
  bool try_lock_shared(Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_shared();
    int expected = 0;
    while (expected != kWriter) {
      if (state_.compare_exchange_strong(expected, expected + 1, std::memory_order_seq_cst,
                                         location)) {
        return true;
      }
    }
    return false;
  }
  void unlock_shared(Location location = Location::current()) {
    if (detail::native()) return native_.unlock_shared();
    int was = state_.fetch_sub(1, std::memory_order_seq_cst, location);
    if (was <= 0 && detail::engine() == detail::Engine::kScheduler) {
      detail::fail(fmt::format("unlock_shared of {}, which no reader holds", name()), location);
    }
  }

 protected:
  // state_'s value while a writer holds the mutex.
  static constexpr int kWriter = -1;
  // -1: a writer; n >= 0: n readers (scheduler and execution).
  interleave::atomic<int> state_;
  // The mutex natively.
  Native native_;
};

// std::shared_mutex.
class shared_mutex : public basic_shared_mutex<std::shared_mutex> {
 public:
  shared_mutex(Location location = Location::current())
      : basic_shared_mutex("shared_mutex", location) {}

  // Renames it in traces; `name` must outlive the model.
  shared_mutex& name(const char* name) {
    state_.set_name(name);
    return *this;
  }
  using basic_shared_mutex::name;
};

// std::shared_timed_mutex: the timed tries may time out (see the top of this
// file).
class shared_timed_mutex : public basic_shared_mutex<std::shared_timed_mutex> {
 public:
  shared_timed_mutex(Location location = Location::current())
      : basic_shared_mutex("shared_timed_mutex", location) {}

  shared_timed_mutex& name(const char* name) {
    state_.set_name(name);
    return *this;
  }
  using basic_shared_mutex::name;

  // Exclusive ownership, or false if it cannot be had until the timeout.
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_for(timeout);
    return try_lock(location);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_until(deadline);
    return try_lock(location);
  }
  // Shared ownership, or false if a writer holds it until the timeout.
  template <class Rep, class Period>
  bool try_lock_shared_for(const std::chrono::duration<Rep, Period>& timeout,
                           Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_shared_for(timeout);
    return try_lock_shared(location);
  }
  template <class Clock, class Duration>
  bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration>& deadline,
                             Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_shared_until(deadline);
    return try_lock_shared(location);
  }
};

}  // namespace interleave::std_like
