// The model API (shared<T>, atomic<T>, mutex, lock_guard, unique_lock,
// condition_variable, thread, check() and fail()) implemented on Relacy's
// types, with the same names and signatures as the scheduler's.
//
// scheduler/api/interleave.h includes this header instead of the scheduler's API
// when INTERLEAVE_ENGINE_RELACY is defined. Only relacy_engine/engine.cc does
// that: it is the one translation unit that includes Relacy. Model headers
// are compiled there inside a renamed namespace (models -> relacy_models), and
// these types live in the inline namespace interleave::relacy_api, so no
// mangled name of this translation unit equals one of the scheduler's.
//
// What Relacy sees:
//   shared<T>           rl::var<T>: an unsynchronised access pair is a DATA RACE.
//                       Plain accesses are not scheduling points in Relacy.
//   atomic<T>           rl::atomic<T>, every std::memory_order honoured (mapped
//                       to rl::mo_*); compare_exchange_weak may fail spuriously.
//   mutex               Relacy's mutex; try_lock never fails spuriously and a
//                       second lock by the owner is RECURSION ON NON-RECURSIVE MUTEX.
//   condition_variable  Relacy's condition variable with spurious wakeups off
//                       (the scheduler explores them; Relacy's full search with
//                       them runs far longer): a lost notify is a DEADLOCK.
//   check(), fail()     fail the Relacy test (USER ASSERT FAILED) with the
//                       formatted message at the check's source line.
//   thread              not available: Relacy fixes every test's thread count at
//                       compile time. A model that starts a thread from a model
//                       thread still compiles (builtin.cc is compiled here whole),
//                       but run_relacy refuses it with a one-line error.
#pragma once

#ifndef INTERLEAVE_ENGINE_RELACY
#error "relacy_engine/api.h is for the Relacy translation unit (define INTERLEAVE_ENGINE_RELACY)"
#endif

#include <atomic>
#include <concepts>
#include <cstddef>
#include <functional>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "scheduler/api/located_format.h"
#include "scheduler/api/locks.h"

// Relacy's headers are not -Wextra clean (unused parameters, partly
// initialised aggregates, an unsized operator delete replacement, and with
// -O2 array-bounds warnings for its one-thread instantiation, on loops that
// never run); its warnings are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsized-deallocation"
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <relacy/relacy.hpp>
#pragma GCC diagnostic pop

// relacy.hpp ends by defining macros for code written against its own API
// (new, delete, malloc, free, assert, errno, memory_order_*, $, VAR, ...).
// This API calls Relacy explicitly instead, and models are ordinary C++.
#undef VAR_T
#undef TLS_T
#undef VAR
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst
#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef assert
#undef errno
#undef $
#include <cassert>
#define errno (*__errno_location())  // glibc's definition, which relacy.hpp replaced

namespace interleave {
inline namespace relacy_api {

namespace detail {

// Where an operation happened, as Relacy's history prints it:
// "in <object>, <file>(<line>)".
inline const char* file_of(const std::source_location& location) {
  const char* file = location.file_name();
  return file[0] == '.' && file[1] == '/' ? file + 2 : file;
}
inline rl::debug_info where(const char* object, const std::source_location& location) {
  return rl::debug_info(object, file_of(location), location.line());
}

// Fails the current Relacy test: USER ASSERT FAILED with `message`.
[[noreturn]] void report_failure(const char* message, std::source_location location);

// Formats a failure message into a fixed buffer (no allocation: Relacy owns
// operator new during a simulation) and fails the test.
template <class... Args>
[[noreturn]] void fail_formatted(fmt::format_string<Args...> format, std::source_location location,
                                 Args&&... args) {
  static char buffer[1024];
  auto end = fmt::format_to_n(buffer, sizeof buffer - 1, format, std::forward<Args>(args)...);
  buffer[end.size < sizeof buffer - 1 ? end.size : sizeof buffer - 1] = '\0';
  report_failure(buffer, location);
}

// Fails the test for a memory order the operation does not accept (a load
// with release, a store with acquire): undefined behaviour in C++.
[[noreturn]] void invalid_order(const char* operation, std::memory_order order,
                                const char* object, std::source_location location);

// Ends the run: the model starts a thread, which this engine cannot do.
[[noreturn]] void thread_unsupported(std::source_location location);

inline rl::memory_order to_rl(std::memory_order order) {
  switch (order) {
    case std::memory_order_relaxed: return rl::mo_relaxed;
    case std::memory_order_consume: return rl::mo_consume;
    case std::memory_order_acquire: return rl::mo_acquire;
    case std::memory_order_release: return rl::mo_release;
    case std::memory_order_acq_rel: return rl::mo_acq_rel;
    case std::memory_order_seq_cst: return rl::mo_seq_cst;
  }
  return rl::mo_seq_cst;
}

// Tags that keep Relacy's mutex and condition variable instantiations apart
// from anyone else's.
struct mutex_tag;
struct condvar_tag;

}  // namespace detail

template <class... Args>
void check(bool condition, ::interleave::LocatedFormat<std::type_identity_t<Args>...> message,
           Args&&... args) {
  if (condition) [[likely]] return;
  detail::fail_formatted<Args...>(message.format, message.location, std::forward<Args>(args)...);
}

template <class... Args>
void fail(::interleave::LocatedFormat<std::type_identity_t<Args>...> message, Args&&... args) {
  detail::fail_formatted<Args...>(message.format, message.location, std::forward<Args>(args)...);
}

// A plain shared variable: rl::var<T>.
template <class T>
class shared {
  static_assert(std::is_trivially_copyable_v<T>, "shared<T> needs a trivially copyable T");

 public:
  explicit shared(const char* name = "shared", T initial = T{}) : name_(name), var_(initial) {}
  shared(const shared&) = delete;
  shared& operator=(const shared&) = delete;

  T load(std::source_location location = std::source_location::current()) const {
    return var_(detail::where(name_, location)).load();
  }
  void store(T value, std::source_location location = std::source_location::current()) {
    var_(detail::where(name_, location)).store(value);
  }
  const char* name() const { return name_; }

 private:
  const char* name_;
  rl::var<T> var_;
};

// An atomic variable: rl::atomic<T>, with the memory orders honoured.
template <class T>
class atomic {
 public:
  using Location = std::source_location;

  explicit atomic(const char* name = "atomic", T initial = T{}) : name_(name) {
    value_.store(initial, rl::mo_relaxed, rl::debug_info(name_, "initial value", 0));
  }
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst,
         Location location = Location::current()) const {
    if (order == std::memory_order_release || order == std::memory_order_acq_rel) {
      detail::invalid_order("load", order, name_, location);
    }
    return value_.load(detail::to_rl(order), detail::where(name_, location));
  }

  void store(T value, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    if (order == std::memory_order_consume || order == std::memory_order_acquire ||
        order == std::memory_order_acq_rel) {
      detail::invalid_order("store", order, name_, location);
    }
    value_.store(value, detail::to_rl(order), detail::where(name_, location));
  }

  T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    return value_.exchange(value, detail::to_rl(order), detail::where(name_, location));
  }

  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               Location location = Location::current()) {
    return value_.compare_exchange_strong(expected, desired, detail::to_rl(order),
                                          detail::where(name_, location));
  }

  // May fail spuriously under Relacy (as the C++ memory model allows).
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             Location location = Location::current()) {
    return value_.compare_exchange_weak(expected, desired, detail::to_rl(order),
                                        detail::where(name_, location));
  }

  T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current()) {
    return value_.fetch_add(delta, detail::to_rl(order), detail::where(name_, location));
  }

  T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current()) {
    return value_.fetch_sub(delta, detail::to_rl(order), detail::where(name_, location));
  }

  const char* name() const { return name_; }

 private:
  const char* name_;
  // Relacy's operations are non-const; loads are const here as in std::atomic.
  mutable rl::atomic<T> value_;
};

class condition_variable;

class mutex {
 public:
  using Location = std::source_location;

  explicit mutex(const char* name = "mutex") : name_(name) {
    // Not rw, not recursive, try_lock never fails spuriously.
    impl_.init(false, false, false, false, rl::debug_info(name_, "constructor", 0));
  }
  ~mutex() { impl_.deinit(rl::debug_info(name_, "destructor", 0)); }
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock(Location location = Location::current()) {
    impl_.lock_exclusive(detail::where(name_, location));
  }
  bool try_lock(Location location = Location::current()) {
    return impl_.try_lock_exclusive(detail::where(name_, location));
  }
  void unlock(Location location = Location::current()) {
    impl_.unlock_exclusive(detail::where(name_, location));
  }

  const char* name() const { return name_; }

 private:
  friend class condition_variable;

  const char* name_;
  rl::generic_mutex<detail::mutex_tag> impl_;
};

using lock_guard = basic_lock_guard<mutex>;
using unique_lock = basic_unique_lock<mutex>;

class condition_variable {
 public:
  using Location = std::source_location;

  explicit condition_variable(const char* name = "condition_variable") : name_(name) {
    // No spurious wakeups (docs/condition_variables.md says why).
    impl_.init(false, rl::debug_info(name_, "constructor", 0));
  }
  ~condition_variable() { impl_.deinit(rl::debug_info(name_, "destructor", 0)); }
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  void wait(unique_lock& lock, Location location = Location::current()) {
    impl_.wait(lock.mutex().impl_, false, detail::where(name_, location));
  }

  template <class Predicate>
  void wait(unique_lock& lock, Predicate ready, Location location = Location::current()) {
    while (!ready()) wait(lock, location);
  }

  void notify_one(Location location = Location::current()) {
    impl_.notify_one(detail::where(name_, location));
  }
  void notify_all(Location location = Location::current()) {
    impl_.notify_all(detail::where(name_, location));
  }

  const char* name() const { return name_; }

 private:
  const char* name_;
  rl::condvar<detail::condvar_tag> impl_;
};

// Relacy fixes a test's thread count at compile time (rl::test_suite<T, N>),
// so threads started from a model thread are not supported by this engine:
// starting one ends the run, and run_relacy reports that the model cannot run
// under Relacy (a usage error, not a bug in the model).
class thread {
 public:
  explicit thread(std::function<void()> body,
                  std::source_location location = std::source_location::current()) {
    (void)body;
    detail::thread_unsupported(location);
  }
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;

  void join(std::source_location = std::source_location::current()) {}
  ThreadId id() const { return kNoThread; }
};

// yield(): Relacy's own yield, a scheduling point that lowers the thread's
// priority (Relacy's fair scheduling of spin loops).
inline void yield(std::source_location location = std::source_location::current()) {
  rl::yield(1, detail::where("yield", location));
}
namespace this_thread {
inline void yield(std::source_location location = std::source_location::current()) {
  interleave::relacy_api::yield(location);
}
}  // namespace this_thread

}  // namespace relacy_api
}  // namespace interleave
