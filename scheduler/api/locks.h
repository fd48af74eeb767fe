// lock_guard and unique_lock over an engine's mutex. Unlike the std ones they
// record where the lock was taken, so traces point at the model's line. Each
// engine names them for its own mutex:
//   using lock_guard = basic_lock_guard<mutex>;
//   using unique_lock = basic_unique_lock<mutex>;
#pragma once

#include <mutex>
#include <source_location>

namespace interleave {

// Holds a mutex for a scope.
template <class Mutex>
class basic_lock_guard {
 public:
  explicit basic_lock_guard(Mutex& m,
                            std::source_location location = std::source_location::current())
      : mutex_(m), location_(location) {
    mutex_.lock(location_);
  }
  // noexcept(false): a thread paused at this unlock (a visible operation) is
  // torn down by an exception thrown there (execution.h), which must travel on
  // through the frames above so their objects are destroyed too.
  ~basic_lock_guard() noexcept(false) { mutex_.unlock(location_); }
  basic_lock_guard(const basic_lock_guard&) = delete;
  basic_lock_guard& operator=(const basic_lock_guard&) = delete;

 private:
  // The mutex held.
  Mutex& mutex_;
  // Where the guard was created; the unlock is reported there too.
  std::source_location location_;
};

// Holds a mutex, like std::unique_lock: lock() and unlock() may be called
// again while it lives; the destructor unlocks if it still owns the mutex.
template <class Mutex>
class basic_unique_lock {
 public:
  explicit basic_unique_lock(Mutex& m,
                             std::source_location location = std::source_location::current())
      : mutex_(m) {
    lock(location);
  }
  // Takes over `m`, which the calling thread already holds, without locking
  // it again (std::adopt_lock).
  basic_unique_lock(Mutex& m, std::adopt_lock_t) : mutex_(m), owns_(true) {}
  ~basic_unique_lock() noexcept(false) {  // as ~basic_lock_guard
    if (owns_) mutex_.unlock(last_location_);
  }
  basic_unique_lock(const basic_unique_lock&) = delete;
  basic_unique_lock& operator=(const basic_unique_lock&) = delete;

  void lock(std::source_location location = std::source_location::current()) {
    mutex_.lock(location);
    owns_ = true;
    last_location_ = location;
  }
  void unlock(std::source_location location = std::source_location::current()) {
    owns_ = false;
    mutex_.unlock(location);
  }
  // Gives up ownership without unlocking: the mutex stays held, and the
  // destructor leaves it alone.
  void release() { owns_ = false; }
  bool owns_lock() const { return owns_; }
  Mutex& mutex() const { return mutex_; }

 private:
  // The mutex held.
  Mutex& mutex_;
  // Whether this lock currently holds it.
  bool owns_ = false;
  // Where it was last locked; the destructor's unlock is reported there.
  std::source_location last_location_;
};

}  // namespace interleave
