// std_like::shared_mutex: the interface of std::shared_mutex (exclusive lock,
// try_lock, unlock; shared lock_shared, try_lock_shared, unlock_shared).
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
// Natively it is a std::shared_mutex.
#pragma once

#include <shared_mutex>
#include <source_location>

#include <fmt/format.h>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

class shared_mutex {
 public:
  using Location = std::source_location;

  shared_mutex(Location location = Location::current())
      : state_(detail::default_name("shared_mutex", location), 0) {}
  shared_mutex(const shared_mutex&) = delete;
  shared_mutex& operator=(const shared_mutex&) = delete;

  // Renames it in traces; `name` must outlive the model.
  shared_mutex& name(const char* name) {
    state_.set_name(name);
    return *this;
  }
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

 private:
  // state_'s value while a writer holds the mutex.
  static constexpr int kWriter = -1;
  // -1: a writer; n >= 0: n readers (scheduler and execution).
  interleave::atomic<int> state_;
  // The mutex natively.
  std::shared_mutex native_;
};

}  // namespace interleave::std_like
