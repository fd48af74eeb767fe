// std_like::condition_variable and condition_variable_any: the interface of
// <condition_variable>'s.
//
// condition_variable waits with a std_like::unique_lock<std_like::mutex>.
// Under the scheduler it is an interleave::condition_variable
// (scheduler/api/condition_variable.h), with its semantics: wait releases the
// mutex and sleeps (not runnable) until a notify, then takes the mutex back; a
// notify with nobody waiting is lost (a missed wakeup is a deadlock naming the
// variable); notify_one wakes any one waiter (each is explored); wait(lock)
// without a predicate may wake spuriously (ExecutionLimits::spurious_wakeups),
// a wait with a predicate re-checks it and explores no spurious wakeup
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
// Timeouts (wait_for / wait_until): the wait may time out at any point while
// the thread sleeps, before a notify chose it: the scheduler tries the
// timeout at every point where the thread could take its mutex back
// (interleave::condition_variable's timed waits), so a model that relies on a
// timeout never firing fails and one that handles it passes, and a timed wait
// never deadlocks for want of a notify. Without a predicate: cv_status::timeout
// when it timed out, no_timeout when notified or woken spuriously. With one:
// re-checked after every wakeup; after a timeout the wait returns its value.
// No time passes under the scheduler, so the duration or deadline is not
// looked at: a deadline already past may still be waited on (and then time
// out at once, or be notified). Natively they are the std ones, with real time.
//
// condition_variable_any's interruptible waits (with a stop_token) also end
// when a stop is requested: a stop_callback notifies the variable, and the
// stop is checked under the internal mutex before each sleep.
//
// name(...) renames the variable in traces; call it before any thread waits
// on it (it rebuilds the interleave::condition_variable, which has no rename).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <type_traits>
#include <source_location>

#include "scheduler/api/condition_variable.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/locks.h"
#include "scheduler/api/std/mutex.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/std/stop_token.h"

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

  // Wakes one waiting thread, any of them (each is explored), if there is one.
  void notify_one(Location location = Location::current()) {
    if (detail::native()) return native_.notify_one();
    model_->notify_one(location);
  }
  // Wakes every waiting thread.
  void notify_all(Location location = Location::current()) {
    if (detail::native()) return native_.notify_all();
    model_->notify_all(location);
  }

  // Releases `lock`'s mutex (the caller must hold it), sleeps until notified
  // (or a spurious wakeup), takes the mutex back.
  void wait(unique_lock<mutex>& lock, Location location = Location::current()) {
    if (detail::native()) return native_wait(lock, [&](auto& n) { native_.wait(n); });
    wait_once(lock, Rules{.spurious = true}, location);
  }
  // Waits until ready() holds, checking it first and after every wakeup.
  template <class Predicate>
  void wait(unique_lock<mutex>& lock, Predicate ready, Location location = Location::current()) {
    if (detail::native()) return native_wait(lock, [&](auto& n) { native_.wait(n, ready); });
    while (!ready()) wait_once(lock, Rules{}, location);
  }

  // As wait(lock), but it may also time out (see the top of this file).
  template <class Rep, class Period>
  cv_status wait_for(unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                     Location location = Location::current()) {
    if (detail::native()) {
      return native_wait(lock, [&](auto& n) { return native_.wait_for(n, timeout); });
    }
    return timed_wait(lock, location);
  }
  // As wait(lock, ready), but it may also time out; returns ready().
  template <class Rep, class Period, class Predicate>
  bool wait_for(unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                Predicate ready, Location location = Location::current()) {
    if (detail::native()) {
      return native_wait(lock, [&](auto& n) { return native_.wait_for(n, timeout, ready); });
    }
    return timed_wait(lock, ready, location);
  }
  template <class Clock, class Duration>
  cv_status wait_until(unique_lock<mutex>& lock,
                       const std::chrono::time_point<Clock, Duration>& deadline,
                       Location location = Location::current()) {
    if (detail::native()) {
      return native_wait(lock, [&](auto& n) { return native_.wait_until(n, deadline); });
    }
    return timed_wait(lock, location);
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(unique_lock<mutex>& lock,
                  const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready,
                  Location location = Location::current()) {
    if (detail::native()) {
      return native_wait(lock, [&](auto& n) { return native_.wait_until(n, deadline, ready); });
    }
    return timed_wait(lock, ready, location);
  }

 private:
  using Rules = interleave::condition_variable::WaitRules;

  // One wait of the model-API variable on `lock`'s mutex; true iff it timed out.
  bool wait_once(unique_lock<mutex>& lock, Rules rules, Location location) {
    interleave::unique_lock inner(lock.mutex()->model(), std::adopt_lock);
    bool timed_out = model_->wait_once(inner, rules, location);
    inner.release();
    return timed_out;
  }
  // The scheduler's wait_for / wait_until. On the model's constructor or
  // invariant, where no other thread runs, a timed wait times out.
  cv_status timed_wait(unique_lock<mutex>& lock, Location location) {
    if (detail::engine() == detail::Engine::kExecution) return cv_status::timeout;
    return wait_once(lock, Rules{.spurious = true, .timed = true}, location) ? cv_status::timeout
                                                                             : cv_status::no_timeout;
  }
  template <class Predicate>
  bool timed_wait(unique_lock<mutex>& lock, Predicate& ready, Location location) {
    while (!ready()) {
      if (detail::engine() == detail::Engine::kExecution) return false;
      if (wait_once(lock, Rules{.timed = true}, location)) return ready();
    }
    return true;
  }
  // Runs a std wait on `lock`'s native mutex, which the caller holds.
  template <class Wait>
  std::invoke_result_t<Wait, std::unique_lock<std::mutex>&> native_wait(unique_lock<mutex>& lock,
                                                                         Wait wait) {
    std::unique_lock<std::mutex> native(lock.mutex()->native(), std::adopt_lock);
    struct Release {  // hands the mutex back to `lock` however the wait ends
      std::unique_lock<std::mutex>& native;
      ~Release() { native.release(); }
    } release{native};
    return wait(native);
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

  // Wakes one waiting thread, any of them (each is explored), if there is one.
  void notify_one(Location location = Location::current()) {
    if (detail::native()) return native_.notify_one();
    interleave::lock_guard hold(internal_, location);
    model_->notify_one(location);
  }
  // Wakes every waiting thread.
  void notify_all(Location location = Location::current()) {
    if (detail::native()) return native_.notify_all();
    interleave::lock_guard hold(internal_, location);
    model_->notify_all(location);
  }

  // Releases `lock` (held by the caller), sleeps until notified (or a
  // spurious wakeup), takes `lock` back (see the top of this file).
  template <class Lock>
  void wait(Lock& lock, Location location = Location::current()) {
    if (detail::native()) return native_.wait(lock);
    wait_once(lock, Rules{.spurious = true}, location);
  }
  // Waits until ready() holds, checking it first and after every wakeup.
  template <class Lock, class Predicate>
  void wait(Lock& lock, Predicate ready, Location location = Location::current()) {
    if (detail::native()) return native_.wait(lock, ready);
    while (!ready()) wait_once(lock, Rules{}, location);
  }

  // As wait, but they may also time out (see the top of this file).
  template <class Lock, class Rep, class Period>
  cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout,
                     Location location = Location::current()) {
    if (detail::native()) return native_.wait_for(lock, timeout);
    return timed_wait(lock, location);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& timeout, Predicate ready,
                Location location = Location::current()) {
    if (detail::native()) return native_.wait_for(lock, timeout, ready);
    return timed_wait(lock, ready, location);
  }
  template <class Lock, class Clock, class Duration>
  cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                       Location location = Location::current()) {
    if (detail::native()) return native_.wait_until(lock, deadline);
    return timed_wait(lock, location);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate ready, Location location = Location::current()) {
    if (detail::native()) return native_.wait_until(lock, deadline, ready);
    return timed_wait(lock, ready, location);
  }

  // Interruptible waits (C++20): as the predicate waits, but they also end
  // when a stop is requested on `stop` (a stop_callback notifies this
  // variable); they return ready(). The stop is checked under the internal
  // mutex, as libstdc++ does, so a request cannot fall between the check and
  // the sleep unseen.
  template <class Lock, class Predicate>
  bool wait(Lock& lock, stop_token stop, Predicate ready, Location location = Location::current()) {
    if (detail::native()) return native_.wait(lock, stop.native_token(), ready);
    return stoppable_wait(lock, stop, ready, Rules{}, location);
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, stop_token stop, const std::chrono::duration<Rep, Period>& timeout,
                Predicate ready, Location location = Location::current()) {
    if (detail::native()) return native_.wait_for(lock, stop.native_token(), timeout, ready);
    return stoppable_wait(lock, stop, ready, Rules{.timed = true}, location);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, stop_token stop,
                  const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready,
                  Location location = Location::current()) {
    if (detail::native()) return native_.wait_until(lock, stop.native_token(), deadline, ready);
    return stoppable_wait(lock, stop, ready, Rules{.timed = true}, location);
  }

 private:
  using Rules = interleave::condition_variable::WaitRules;

  // One wait on the internal variable, `lock` released meanwhile; true iff
  // it timed out, or (with `stop`) found a stop requested once it held the
  // internal mutex, without waiting.
  template <class Lock>
  bool wait_once(Lock& lock, Rules rules, Location location, const stop_token* stop = nullptr) {
    interleave::unique_lock inner(internal_, location);
    if (stop != nullptr && stop->stop_requested(location)) return true;
    detail::unlock_at(lock, location);
    bool timed_out = model_->wait_once(inner, rules, location);
    inner.unlock(location);
    detail::lock_at(lock, location);
    return timed_out;
  }
  // The scheduler's wait_for / wait_until (as condition_variable's).
  template <class Lock>
  cv_status timed_wait(Lock& lock, Location location) {
    if (detail::engine() == detail::Engine::kExecution) return cv_status::timeout;
    return wait_once(lock, Rules{.spurious = true, .timed = true}, location) ? cv_status::timeout
                                                                             : cv_status::no_timeout;
  }
  template <class Lock, class Predicate>
  bool timed_wait(Lock& lock, Predicate& ready, Location location) {
    while (!ready()) {
      if (detail::engine() == detail::Engine::kExecution) return false;
      if (wait_once(lock, Rules{.timed = true}, location)) return ready();
    }
    return true;
  }
  // The scheduler's interruptible waits.
  template <class Lock, class Predicate>
  bool stoppable_wait(Lock& lock, const stop_token& stop, Predicate& ready, Rules rules,
                      Location location) {
    if (stop.stop_requested(location)) return ready();
    stop_callback wake(stop, [this, location] { notify_all(location); }, location);
    while (!ready()) {
      if (detail::engine() == detail::Engine::kExecution) return false;
      if (wait_once(lock, rules, location, &stop)) return ready();
    }
    return true;
  }

  // Under the scheduler: the internal mutex that orders notifies against the
  // release of the caller's lock, and the variable waited on.
  interleave::mutex internal_;
  std::optional<interleave::condition_variable> model_;
  // The variable natively.
  std::condition_variable_any native_;
};

}  // namespace interleave::std_like
