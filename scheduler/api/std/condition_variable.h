// std_like::condition_variable and condition_variable_any: the interface of
// <condition_variable>'s.
//
// condition_variable waits with a std_like::unique_lock<std_like::mutex>.
// Under the scheduler it is an interleave::condition_variable
// (scheduler/api/condition_variable.h): wait releases the mutex and sleeps (not
// runnable) until a notify, then takes the mutex back; a notify with nobody
// waiting is lost, so a missed wakeup is reported as a deadlock naming the
// condition variable. What that class explores, this one does: today
// notify_one wakes the longest waiter and waits never wake spuriously
// (docs/condition_variables.md). Natively it is a std::condition_variable over
// the std::mutex inside the std_like::mutex.
//
// condition_variable_any waits with any lock (unique_lock, shared_lock, a
// std_like mutex itself, a lock type of your own). Under the scheduler it is
// built the way libstdc++ builds it: an internal interleave::mutex and an
// interleave::condition_variable; wait locks the internal mutex, releases the
// caller's lock, waits, releases the internal mutex, and takes the caller's
// lock back; notify locks the internal mutex around the notify, so a notify
// cannot fall between the release and the sleep. Natively it is a
// std::condition_variable_any.
//
// wait_for / wait_until never time out under the scheduler: they wait like
// wait() and report no_timeout (or, with a predicate, true). Timeouts are not
// yet explored; a program that relies on one to make progress is reported as
// deadlocked. Natively they are the std ones, with real time.
//
// name(...) renames the variable in traces; call it before any thread waits
// on it (it rebuilds the interleave::condition_variable, which has no rename).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <source_location>

#include "scheduler/api/condition_variable.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/locks.h"
#include "scheduler/api/std/mutex.h"
#include "scheduler/api/std/names.h"

namespace interleave::std_like {

using std::cv_status;

class condition_variable {
 public:
  using Location = std::source_location;

  condition_variable(Location location = Location::current())
      : model_(std::in_place, detail::default_name("condition_variable", location)) {}
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // Renames it in traces (before any thread waits on it, see above).
  condition_variable& name(const char* name) {
    model_.emplace(name);
    return *this;
  }
  const char* name() const { return model_->name(); }

  // Wakes the longest-waiting thread (std: one of them), if any.
  void notify_one(Location location = Location::current()) {
    if (detail::native()) return native_.notify_one();
    model_->notify_one(location);
  }
  // Wakes every waiting thread.
  void notify_all(Location location = Location::current()) {
    if (detail::native()) return native_.notify_all();
    model_->notify_all(location);
  }

  // Releases `lock`'s mutex (the caller must hold it), sleeps until notified,
  // takes the mutex back.
  void wait(unique_lock<mutex>& lock, Location location = Location::current()) {
    mutex& m = *lock.mutex();
    if (detail::native()) {
      std::unique_lock<std::mutex> native(m.native(), std::adopt_lock);
      native_.wait(native);
      native.release();
      return;
    }
    interleave::unique_lock inner(m.model(), std::adopt_lock);
    model_->wait(inner, location);
    inner.release();
  }
  // Waits until ready() holds, checking it first and after every wakeup.
  template <class Predicate>
  void wait(unique_lock<mutex>& lock, Predicate ready, Location location = Location::current()) {
    while (!ready()) wait(lock, location);
  }

  // Under the scheduler: wait(lock), then no_timeout (see the top of this file).
  template <class Rep, class Period>
  cv_status wait_for(unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                     Location location = Location::current()) {
    if (detail::native()) return native_timed(lock, [&](auto& n) { return native_.wait_for(n, timeout); });
    wait(lock, location);
    return cv_status::no_timeout;
  }
  // Under the scheduler: wait(lock, ready), then true.
  template <class Rep, class Period, class Predicate>
  bool wait_for(unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                Predicate ready, Location location = Location::current()) {
    if (detail::native()) {
      return native_timed(lock, [&](auto& n) { return native_.wait_for(n, timeout, ready); });
    }
    wait(lock, ready, location);
    return true;
  }
  template <class Clock, class Duration>
  cv_status wait_until(unique_lock<mutex>& lock,
                       const std::chrono::time_point<Clock, Duration>& deadline,
                       Location location = Location::current()) {
    if (detail::native()) {
      return native_timed(lock, [&](auto& n) { return native_.wait_until(n, deadline); });
    }
    wait(lock, location);
    return cv_status::no_timeout;
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(unique_lock<mutex>& lock,
                  const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready,
                  Location location = Location::current()) {
    if (detail::native()) {
      return native_timed(lock, [&](auto& n) { return native_.wait_until(n, deadline, ready); });
    }
    wait(lock, ready, location);
    return true;
  }

 private:
  // Runs a std wait on `lock`'s native mutex, which the caller holds.
  template <class Wait>
  auto native_timed(unique_lock<mutex>& lock, Wait wait) {
    std::unique_lock<std::mutex> native(lock.mutex()->native(), std::adopt_lock);
    auto result = wait(native);
    native.release();
    return result;
  }

  // The model-API variable (optional only so that name() can rebuild it).
  std::optional<interleave::condition_variable> model_;
  // The variable natively.
  std::condition_variable native_;
};

class condition_variable_any {
 public:
  using Location = std::source_location;

  condition_variable_any(Location location = Location::current())
      : internal_(detail::default_name("condition_variable_any.mutex", location)),
        model_(std::in_place, detail::default_name("condition_variable_any", location)) {}
  condition_variable_any(const condition_variable_any&) = delete;
  condition_variable_any& operator=(const condition_variable_any&) = delete;

  // Renames it in traces (before any thread waits on it).
  condition_variable_any& name(const char* name) {
    model_.emplace(name);
    return *this;
  }
  const char* name() const { return model_->name(); }

  void notify_one(Location location = Location::current()) {
    if (detail::native()) return native_.notify_one();
    interleave::lock_guard hold(internal_, location);
    model_->notify_one(location);
  }
  void notify_all(Location location = Location::current()) {
    if (detail::native()) return native_.notify_all();
    interleave::lock_guard hold(internal_, location);
    model_->notify_all(location);
  }

  // Releases `lock` (held by the caller), sleeps until notified, takes `lock`
  // back (see the top of this file).
  template <class Lock>
  void wait(Lock& lock, Location location = Location::current()) {
    if (detail::native()) return native_.wait(lock);
    interleave::unique_lock inner(internal_, location);
    detail::unlock_at(lock, location);
    model_->wait(inner, location);
    inner.unlock(location);
    detail::lock_at(lock, location);
  }
  template <class Lock, class Predicate>
  void wait(Lock& lock, Predicate ready, Location location = Location::current()) {
    while (!ready()) wait(lock, location);
  }

  // Never time out under the scheduler (see the top of this file).
  template <class Lock, class Rep, class Period>
  cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout,
                     Location location = Location::current()) {
    if (detail::native()) return native_.wait_for(lock, timeout);
    wait(lock, location);
    return cv_status::no_timeout;
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready,
                Location location = Location::current()) {
    if (detail::native()) return native_.wait_for(lock, timeout, ready);
    wait(lock, ready, location);
    return true;
  }
  template <class Lock, class Clock, class Duration>
  cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                       Location location = Location::current()) {
    if (detail::native()) return native_.wait_until(lock, deadline);
    wait(lock, location);
    return cv_status::no_timeout;
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate ready, Location location = Location::current()) {
    if (detail::native()) return native_.wait_until(lock, deadline, ready);
    wait(lock, ready, location);
    return true;
  }

 private:
  // Under the scheduler: the internal mutex that orders notifies against the
  // release of the caller's lock, and the variable waited on.
  interleave::mutex internal_;
  std::optional<interleave::condition_variable> model_;
  // The variable natively.
  std::condition_variable_any native_;
};

}  // namespace interleave::std_like
