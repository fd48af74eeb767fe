// std_like::mutex, recursive_mutex, timed_mutex: the interface of <mutex>'s.
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
// timed_mutex: try_lock_for / try_lock_until never time out under the
// scheduler: they block like lock() and return true. A program whose
// correctness relies on a timeout is not explored on that path yet (timeouts
// are not yet explored; a deadlock that a timeout would break is reported as a
// deadlock). Natively they are std::timed_mutex's, with real time.
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

// std::timed_mutex: try_lock_for / try_lock_until never time out under the
// scheduler (see the top of this file).
class timed_mutex : public basic_mutex<std::timed_mutex> {
 public:
  timed_mutex(Location location = Location::current()) : basic_mutex("timed_mutex", location) {}

  timed_mutex& name(const char* name) {
    model_.set_name(name);
    return *this;
  }
  using basic_mutex::name;

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_for(timeout);
    model_.lock(location);
    return true;
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      Location location = Location::current()) {
    if (detail::native()) return native_.try_lock_until(deadline);
    model_.lock(location);
    return true;
  }
};

// std::recursive_mutex: the holder may lock it again; it is released by the
// unlock that matches the first lock.
class recursive_mutex {
 public:
  using Location = std::source_location;

  recursive_mutex(Location location = Location::current())
      : model_(detail::default_name("recursive_mutex", location)) {}
  recursive_mutex(const recursive_mutex&) = delete;
  recursive_mutex& operator=(const recursive_mutex&) = delete;

  recursive_mutex& name(const char* name) {
    model_.set_name(name);
    return *this;
  }
  const char* name() const { return model_.name(); }

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
  bool try_lock(Location location = Location::current()) {
    switch (detail::engine()) {
      case detail::Engine::kNative: return native_.try_lock();
      case detail::Engine::kExecution: return true;
      case detail::Engine::kScheduler: break;
    }
    ThreadId self = Execution::current()->running_thread();
    if (owner_ != self) {
      if (!model_.try_lock(location)) return false;
      owner_ = self;
    }
    ++depth_;
    return true;
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

 private:
  // Held by one thread at a time, whatever its depth.
  interleave::mutex model_;
  // The holder under the scheduler, and how many locks it has not unlocked.
  ThreadId owner_ = kNoThread;
  int depth_ = 0;
  // The mutex natively.
  std::recursive_mutex native_;
};

}  // namespace interleave::std_like
