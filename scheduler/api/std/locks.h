// std_like::lock_guard, unique_lock, scoped_lock, shared_lock: the interface of
// the std lock types, for any mutex type. With a std_like mutex they pass the
// caller's source location to lock/unlock, so traces show the line where the
// lock was taken; with any other mutex type they call its plain lock/unlock.
// A lock's destructor reports its unlock at the line where it locked.
//
// Destructors are noexcept(false): a thread paused at the unlock (a visible
// operation) when a failed execution is torn down unwinds through them
// (scheduler/api/locks.h explains).
//
// scoped_lock of two or more mutexes: natively std::lock (deadlock avoidance by
// back-off); under the scheduler it locks them in the order of their
// addresses, one lock() each. Both avoid deadlock among scoped_locks; the
// scheduler's order also keeps every exploration finite (back-off can retry
// forever under an adversarial schedule), but a thread that meanwhile locks
// the same mutexes by hand in another order can deadlock with it, where
// std::lock's back-off might have got through.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <source_location>
#include <system_error>
#include <utility>

#include "scheduler/api/std/engine.h"

namespace interleave::std_like {

using std::adopt_lock;
using std::adopt_lock_t;
using std::defer_lock;
using std::defer_lock_t;
using std::try_to_lock;
using std::try_to_lock_t;

namespace detail {

using Location = std::source_location;

// m.lock(location) where the mutex takes a location, else m.lock(); the same
// for the other operations.
template <class M>
void lock_at(M& m, Location location) {
  if constexpr (requires { m.lock(location); }) m.lock(location); else m.lock();
}
template <class M>
bool try_lock_at(M& m, Location location) {
  if constexpr (requires { m.try_lock(location); }) return m.try_lock(location);
  else return m.try_lock();
}
template <class M>
void unlock_at(M& m, Location location) {
  if constexpr (requires { m.unlock(location); }) m.unlock(location); else m.unlock();
}
template <class M>
void lock_shared_at(M& m, Location location) {
  if constexpr (requires { m.lock_shared(location); }) m.lock_shared(location);
  else m.lock_shared();
}
template <class M>
bool try_lock_shared_at(M& m, Location location) {
  if constexpr (requires { m.try_lock_shared(location); }) return m.try_lock_shared(location);
  else return m.try_lock_shared();
}
template <class M>
void unlock_shared_at(M& m, Location location) {
  if constexpr (requires { m.unlock_shared(location); }) m.unlock_shared(location);
  else m.unlock_shared();
}
template <class M, class D>
bool try_lock_for_at(M& m, const D& timeout, Location location) {
  if constexpr (requires { m.try_lock_for(timeout, location); }) {
    return m.try_lock_for(timeout, location);
  } else {
    return m.try_lock_for(timeout);
  }
}
template <class M, class T>
bool try_lock_until_at(M& m, const T& deadline, Location location) {
  if constexpr (requires { m.try_lock_until(deadline, location); }) {
    return m.try_lock_until(deadline, location);
  } else {
    return m.try_lock_until(deadline);
  }
}
template <class M, class D>
bool try_lock_shared_for_at(M& m, const D& timeout, Location location) {
  if constexpr (requires { m.try_lock_shared_for(timeout, location); }) {
    return m.try_lock_shared_for(timeout, location);
  } else {
    return m.try_lock_shared_for(timeout);
  }
}
template <class M, class T>
bool try_lock_shared_until_at(M& m, const T& deadline, Location location) {
  if constexpr (requires { m.try_lock_shared_until(deadline, location); }) {
    return m.try_lock_shared_until(deadline, location);
  } else {
    return m.try_lock_shared_until(deadline);
  }
}

// Throws what std::unique_lock throws when lock() has no mutex or already
// owns it.
inline void check_lockable(const void* mutex, bool owns) {
  if (mutex == nullptr) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
  if (owns) {
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur));
  }
}

}  // namespace detail

// std::lock_guard: holds one mutex for a scope.
template <class Mutex>
class lock_guard {
 public:
  using Location = std::source_location;
  using mutex_type = Mutex;

  explicit lock_guard(Mutex& m, Location location = Location::current())
      : mutex_(m), location_(location) {
    detail::lock_at(mutex_, location_);
  }
  // Takes over `m`, which the calling thread holds.
  lock_guard(Mutex& m, std::adopt_lock_t, Location location = Location::current())
      : mutex_(m), location_(location) {}
  ~lock_guard() noexcept(false) { detail::unlock_at(mutex_, location_); }
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;

 private:
  // The mutex held, and where it was locked (its unlock is reported there).
  Mutex& mutex_;
  Location location_;
};

// std::unique_lock: owns a mutex or not; movable; lock/unlock as often as
// needed; the destructor unlocks if it owns. Misuse throws std::system_error
// as the std one does.
template <class Mutex>
class unique_lock {
 public:
  using Location = std::source_location;
  using mutex_type = Mutex;

  unique_lock() noexcept = default;
  explicit unique_lock(Mutex& m, Location location = Location::current()) : mutex_(&m) {
    lock(location);
  }
  unique_lock(Mutex& m, std::defer_lock_t) noexcept : mutex_(&m) {}
  unique_lock(Mutex& m, std::try_to_lock_t, Location location = Location::current())
      : mutex_(&m) {
    try_lock(location);
  }
  unique_lock(Mutex& m, std::adopt_lock_t, Location location = Location::current())
      : mutex_(&m), owns_(true), location_(location) {}
  template <class Rep, class Period>
  unique_lock(Mutex& m, const std::chrono::duration<Rep, Period>& timeout,
              Location location = Location::current())
      : mutex_(&m) {
    try_lock_for(timeout, location);
  }
  template <class Clock, class Duration>
  unique_lock(Mutex& m, const std::chrono::time_point<Clock, Duration>& deadline,
              Location location = Location::current())
      : mutex_(&m) {
    try_lock_until(deadline, location);
  }
  unique_lock(unique_lock&& other) noexcept
      : mutex_(std::exchange(other.mutex_, nullptr)),
        owns_(std::exchange(other.owns_, false)),
        location_(other.location_) {}
  unique_lock& operator=(unique_lock&& other) {
    if (owns_) detail::unlock_at(*mutex_, location_);
    mutex_ = std::exchange(other.mutex_, nullptr);
    owns_ = std::exchange(other.owns_, false);
    location_ = other.location_;
    return *this;
  }
  unique_lock(const unique_lock&) = delete;
  unique_lock& operator=(const unique_lock&) = delete;
  ~unique_lock() noexcept(false) {
    if (owns_) detail::unlock_at(*mutex_, location_);
  }

  void lock(Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    detail::lock_at(*mutex_, location);
    owns_ = true;
    location_ = location;
  }
  bool try_lock(Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    owns_ = detail::try_lock_at(*mutex_, location);
    location_ = location;
    return owns_;
  }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    owns_ = detail::try_lock_for_at(*mutex_, timeout, location);
    location_ = location;
    return owns_;
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    owns_ = detail::try_lock_until_at(*mutex_, deadline, location);
    location_ = location;
    return owns_;
  }
  // Throws std::system_error (operation_not_permitted) if it does not own.
  void unlock(Location location = Location::current()) {
    if (!owns_) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
    owns_ = false;
    detail::unlock_at(*mutex_, location);
  }

  void swap(unique_lock& other) noexcept {
    std::swap(mutex_, other.mutex_);
    std::swap(owns_, other.owns_);
    std::swap(location_, other.location_);
  }
  // Forgets the mutex without unlocking it; returns it.
  Mutex* release() noexcept {
    owns_ = false;
    return std::exchange(mutex_, nullptr);
  }
  Mutex* mutex() const noexcept { return mutex_; }
  bool owns_lock() const noexcept { return owns_; }
  explicit operator bool() const noexcept { return owns_; }

 private:
  // The mutex (nullptr: none), whether this lock holds it, and where it was
  // last locked (the destructor's unlock is reported there).
  Mutex* mutex_ = nullptr;
  bool owns_ = false;
  Location location_;
};

template <class Mutex>
void swap(unique_lock<Mutex>& a, unique_lock<Mutex>& b) noexcept {
  a.swap(b);
}

// std::shared_lock: unique_lock's shape over lock_shared / unlock_shared.
template <class Mutex>
class shared_lock {
 public:
  using Location = std::source_location;
  using mutex_type = Mutex;

  shared_lock() noexcept = default;
  explicit shared_lock(Mutex& m, Location location = Location::current()) : mutex_(&m) {
    lock(location);
  }
  shared_lock(Mutex& m, std::defer_lock_t) noexcept : mutex_(&m) {}
  shared_lock(Mutex& m, std::try_to_lock_t, Location location = Location::current())
      : mutex_(&m) {
    try_lock(location);
  }
  shared_lock(Mutex& m, std::adopt_lock_t, Location location = Location::current())
      : mutex_(&m), owns_(true), location_(location) {}
  template <class Rep, class Period>
  shared_lock(Mutex& m, const std::chrono::duration<Rep, Period>& timeout,
              Location location = Location::current())
      : mutex_(&m) {
    try_lock_for(timeout, location);
  }
  template <class Clock, class Duration>
  shared_lock(Mutex& m, const std::chrono::time_point<Clock, Duration>& deadline,
              Location location = Location::current())
      : mutex_(&m) {
    try_lock_until(deadline, location);
  }
  shared_lock(shared_lock&& other) noexcept
      : mutex_(std::exchange(other.mutex_, nullptr)),
        owns_(std::exchange(other.owns_, false)),
        location_(other.location_) {}
  shared_lock& operator=(shared_lock&& other) {
    if (owns_) detail::unlock_shared_at(*mutex_, location_);
    mutex_ = std::exchange(other.mutex_, nullptr);
    owns_ = std::exchange(other.owns_, false);
    location_ = other.location_;
    return *this;
  }
  shared_lock(const shared_lock&) = delete;
  shared_lock& operator=(const shared_lock&) = delete;
  ~shared_lock() noexcept(false) {
    if (owns_) detail::unlock_shared_at(*mutex_, location_);
  }

  void lock(Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    detail::lock_shared_at(*mutex_, location);
    owns_ = true;
    location_ = location;
  }
  bool try_lock(Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    owns_ = detail::try_lock_shared_at(*mutex_, location);
    location_ = location;
    return owns_;
  }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout,
                    Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    owns_ = detail::try_lock_shared_for_at(*mutex_, timeout, location);
    location_ = location;
    return owns_;
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      Location location = Location::current()) {
    detail::check_lockable(mutex_, owns_);
    owns_ = detail::try_lock_shared_until_at(*mutex_, deadline, location);
    location_ = location;
    return owns_;
  }
  void unlock(Location location = Location::current()) {
    if (!owns_) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
    owns_ = false;
    detail::unlock_shared_at(*mutex_, location);
  }

  void swap(shared_lock& other) noexcept {
    std::swap(mutex_, other.mutex_);
    std::swap(owns_, other.owns_);
    std::swap(location_, other.location_);
  }
  Mutex* release() noexcept {
    owns_ = false;
    return std::exchange(mutex_, nullptr);
  }
  Mutex* mutex() const noexcept { return mutex_; }
  bool owns_lock() const noexcept { return owns_; }
  explicit operator bool() const noexcept { return owns_; }

 private:
  // As unique_lock's, for shared ownership.
  Mutex* mutex_ = nullptr;
  bool owns_ = false;
  Location location_;
};

// std::scoped_lock: holds any number of mutexes for a scope, deadlock-free
// among scoped_locks (see the top of this file for the order).
template <class... Mutexes>
class scoped_lock {
 public:
  using Location = std::source_location;

  explicit scoped_lock(Mutexes&... ms, Location location = Location::current())
      : mutexes_(ms...), location_(location) {
    if constexpr (sizeof...(Mutexes) == 1) {
      detail::lock_at(std::get<0>(mutexes_), location_);
    } else if constexpr (sizeof...(Mutexes) > 1) {
      if (detail::native()) {
        std::lock(ms...);
      } else {
        lock_in_address_order(std::index_sequence_for<Mutexes...>{});
      }
    }
  }
  // Takes over mutexes the calling thread holds.
  explicit scoped_lock(std::adopt_lock_t, Mutexes&... ms, Location location = Location::current())
      : mutexes_(ms...), location_(location) {}
  ~scoped_lock() noexcept(false) {
    std::apply([this](auto&... m) { (detail::unlock_at(m, location_), ...); }, mutexes_);
  }
  scoped_lock(const scoped_lock&) = delete;
  scoped_lock& operator=(const scoped_lock&) = delete;

 private:
  template <size_t... I>
  void lock_in_address_order(std::index_sequence<I...>) {
    struct Entry {
      const void* address;
      void (*lock)(void* mutex, Location location);
      void* mutex;
    };
    std::array<Entry, sizeof...(Mutexes)> order{Entry{
        &std::get<I>(mutexes_),
        [](void* m, Location location) {
          detail::lock_at(*static_cast<std::tuple_element_t<I, std::tuple<Mutexes...>>*>(m),
                          location);
        },
        &std::get<I>(mutexes_)}...};
    std::sort(order.begin(), order.end(),
              [](const Entry& a, const Entry& b) { return std::less<>{}(a.address, b.address); });
    for (const Entry& e : order) e.lock(e.mutex, location_);
  }

  // The mutexes held, and where they were locked.
  std::tuple<Mutexes&...> mutexes_;
  Location location_;
};

template <class... Mutexes>
scoped_lock(Mutexes&...) -> scoped_lock<Mutexes...>;
template <class... Mutexes>
scoped_lock(std::adopt_lock_t, Mutexes&...) -> scoped_lock<Mutexes...>;

}  // namespace interleave::std_like
