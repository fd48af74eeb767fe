// std_like::mutex, recursive_mutex, timed_mutex, recursive_timed_mutex: the
// interface of <mutex>'s.
//
// Under the scheduler each is an interleave::mutex (scheduler/api/mutex.h):
// lock, try_lock and unlock are visible operations; a thread blocked in lock()
// is not runnable, so lock-order deadlocks are reported with who holds what;
// unlocking a mutex the thread does not hold fails the execution (undefined
// behaviour in C++). Natively each is the std type of the same name.
//
// recursive_mutex: a thread that holds it locks it again without a visible
// operation (only its own depth counter changes); the last unlock is the
// visible one.
//
// timed_mutex, recursive_timed_mutex: try_lock_for / try_lock_until are one
// visible operation that never blocks, as try_lock: it takes the mutex if it
// is free when the thread performs it and times out (returns false) if another
// thread holds it then. The scheduler may perform it at any point from the
// call on, so this is every way the call can end: the thread waits as long as
// the scheduler runs others first, and gets the mutex if its holder released
// it meanwhile, or times out while it is still held. No time passes under the
// scheduler: the duration is not looked at (a zero or past one may still get
// the mutex after a wait). Natively they are the std types', with real time.
//
// Not constexpr-constructible, unlike the std types (the trace name is built
// at run time), and without native_handle().
#pragma once

#include <chrono>
#include <mutex>
#include <source_location>

#include "scheduler/api/mutex.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"

namespace interleave::std_like {

class condition_variable;

// What mutex and timed_mutex share: `Native` is the std mutex used outside an
// execution; `type` (a string literal) starts the default name.
template <class Native>
class basic_mutex {
 public:
  using Location = std::source_location;

  basic_mutex(const char* type, Location location)
      : model_(detail::default_name(type, location)) {}
  basic_mutex(const basic_mutex&) = delete;
  basic_mutex& operator=(const basic_mutex&) = delete;

  // Blocks until the calling thread holds the mutex.
  void lock(Location location = Location::current()) {
    if (detail::native()) return native_.lock();
    model_.lock(location);
  }
  // Takes the mutex if it is free; never blocks.
  bool try_lock(Location location = Location::current()) {
    if (detail::native()) return native_.try_lock();
    return model_.try_lock(location);
  }
  // Releases the mutex, which the calling thread must hold.
  void unlock(Location location = Location::current()) {
    if (detail::native()) return native_.unlock();
    model_.unlock(location);
  }

  const char* name() const { return model_.name(); }

 protected:
  // The model-API mutex (scheduler and execution) and the std one (natively).
  interleave::mutex model_;
  Native native_;
};

// std::mutex.
class mutex : public basic_mutex<std::mutex> {
 public:
  mutex(Location location = Location::current()) : basic_mutex("mutex", location) {}

  // Renames the mutex in traces; `name` must outlive the model.
  mutex& name(const char* name) {
    model_.set_name(name);
    return *this;
  }
  using basic_mutex::name;

 private:
  friend class condition_variable;
  // condition_variable's access to both halves.
  interleave::mutex& model() { return model_; }
  std::mutex& native() { return native_; }
};

// std::timed_mutex: try_lock_for / try_lock_until may time out while another
// thread holds it (see the top of this file).
class timed_mutex : public basic_mutex<std::timed_mutex> {
 public:
  timed_mutex(Location location = Location::current()) : basic_mutex("timed_mutex", location) {}

  timed_mutex& name(const char* name) {
    model_.set_name(name);
    return *this;
  }
  using basic_mutex::name;

  // Takes the mutex, or returns false if it stays held by another thread
  // until the timeout.
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_for(timeout);
    return model_.try_lock(location);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_until(deadline);
    return model_.try_lock(location);
  }
};

// What recursive_mutex and recursive_timed_mutex share: the holder may lock
// it again; it is released by the unlock that matches the first lock.
// `Native` is the std mutex used outside an execution.
template <class Native>
class basic_recursive_mutex {
 public:
  using Location = std::source_location;

  basic_recursive_mutex(const char* type, Location location)
      : model_(detail::default_name(type, location)) {}
  basic_recursive_mutex(const basic_recursive_mutex&) = delete;
  basic_recursive_mutex& operator=(const basic_recursive_mutex&) = delete;

  const char* name() const { return model_.name(); }

  // Blocks until the calling thread holds the mutex; a holder's relock is
  // not a visible operation.
  void lock(Location location = Location::current()) {
    switch (detail::engine()) {
      case detail::Engine::kNative: return native_.lock();
      case detail::Engine::kExecution: return;
      case detail::Engine::kScheduler: break;
    }
    ThreadId self = Execution::current()->running_thread();
    if (owner_ != self) {
      model_.lock(location);
      owner_ = self;
    }
    ++depth_;
  }
  // Takes the mutex if it is free or the caller holds it; never blocks.
  bool try_lock(Location location = Location::current()) {
    switch (detail::engine()) {
      case detail::Engine::kNative: return native_.try_lock();
      case detail::Engine::kExecution: return true;
      case detail::Engine::kScheduler: break;
    }
    return try_take(location);
  }
  // An unlock by a thread that does not hold it fails the execution, as
  // interleave::mutex's.
  void unlock(Location location = Location::current()) {
    switch (detail::engine()) {
      case detail::Engine::kNative: return native_.unlock();
      case detail::Engine::kExecution: return;
      case detail::Engine::kScheduler: break;
    }
    if (owner_ != Execution::current()->running_thread()) return model_.unlock(location);
    if (--depth_ > 0) return;
    owner_ = kNoThread;
    model_.unlock(location);
  }

 protected:
  // try_lock under the scheduler.
  bool try_take(Location location) {
    ThreadId self = Execution::current()->running_thread();
    if (owner_ != self) {
      if (!model_.try_lock(location)) return false;
      owner_ = self;
    }
    ++depth_;
    return true;
  }

  // Held by one thread at a time, whatever its depth.
  interleave::mutex model_;
  // The holder under the scheduler, and how many locks it has not unlocked.
  ThreadId owner_ = kNoThread;
  int depth_ = 0;
  // The mutex natively.
  Native native_;
};

// std::recursive_mutex.
class recursive_mutex : public basic_recursive_mutex<std::recursive_mutex> {
 public:
  recursive_mutex(Location location = Location::current())
      : basic_recursive_mutex("recursive_mutex", location) {}

  // Renames the mutex in traces; `name` must outlive the model.
  recursive_mutex& name(const char* name) {
    model_.set_name(name);
    return *this;
  }
  using basic_recursive_mutex::name;
};

// std::recursive_timed_mutex: try_lock_for / try_lock_until may time out
// while another thread holds it (see the top of this file); the holder gets
// it again at once.
class recursive_timed_mutex : public basic_recursive_mutex<std::recursive_timed_mutex> {
 public:
  recursive_timed_mutex(Location location = Location::current())
      : basic_recursive_mutex("recursive_timed_mutex", location) {}

  recursive_timed_mutex& name(const char* name) {
    model_.set_name(name);
    return *this;
  }
  using basic_recursive_mutex::name;

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    Location location = Location::current()) {
    switch (detail::engine()) {
      case detail::Engine::kNative: return native_.try_lock_for(timeout);
      case detail::Engine::kExecution: return true;
      case detail::Engine::kScheduler: return try_take(location);
    }
    return false;
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      Location location = Location::current()) {
    switch (detail::engine()) {
      case detail::Engine::kNative: return native_.try_lock_until(deadline);
      case detail::Engine::kExecution: return true;
      case detail::Engine::kScheduler: return try_take(location);
    }
    return false;
  }
};

}  // namespace interleave::std_like
