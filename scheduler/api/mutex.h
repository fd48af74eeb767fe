// mutex and lock_guard (locks.h). lock() is a visible operation that blocks while
// another thread holds the mutex; a thread blocked on a mutex is not runnable.
// A thread that locks a mutex it already holds deadlocks (it is not
// recursive), and unlocking a mutex one does not hold fails the execution.
#pragma once

#include <mutex>
#include <source_location>

#include "scheduler/runtime/execution.h"
#include "scheduler/api/locks.h"

namespace interleave {

class mutex {
 public:
  using Location = std::source_location;

  // `name` appears in traces; it must outlive the model (a string literal).
  explicit mutex(const char* name = "mutex") : name_(name) {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock(Location location = Location::current());
  bool try_lock(Location location = Location::current());
  void unlock(Location location = Location::current());

  const char* name() const { return name_; }
  // Renames the mutex in traces from the next operation on; `name` must
  // outlive the model (a string literal, or interned storage).
  void set_name(const char* name) { name_ = name; }

 private:
  friend class condition_variable;

  // Name in traces.
  const char* name_;
  // Owner and waiters under the scheduler.
  LockState state_;
  // The real mutex, used on native threads.
  std::mutex native_;
};

using lock_guard = basic_lock_guard<mutex>;

}  // namespace interleave
