// std_like::atomic<T>, atomic_flag, atomic_thread_fence, atomic_signal_fence:
// the interface of <atomic>'s, for integral, pointer, floating-point and other
// trivially copyable T.
//
// Under the scheduler every operation is one visible operation of the
// interleave::atomic<T> inside (scheduler/api/atomic.h), explored as
// sequentially consistent: memory orders are accepted and treated as seq_cst,
// compare_exchange_weak never fails spuriously, fences are no-ops. Outside an
// execution every operation is the std::atomic's own, with the orders given.
//
// The non-member functions (atomic_load(&a), atomic_fetch_add_explicit(&a, 1,
// order), atomic_flag_test_and_set(&f), ...) and the type aliases
// (atomic_int, atomic_size_t, ...) are here too, over the members.
//
// Named member functions (load, store, fetch_add, ...) take a defaulted
// std::source_location, so traces show the caller's line. Operators (++x,
// x += 1, x = v, the conversion to T) cannot take one: their steps are
// reported at this header's line. Operations that can be scheduling points
// are not noexcept (a thread torn down there unwinds through them).
//
// wait(old) blocks until a notify that follows a change of the value. Under the
// scheduler it is built from visible operations and a set of waiting threads:
// wait(old) reads a notify counter (a second interleave::atomic,
// "<name>.notify"), then the value, and returns if the value differs from
// `old`; otherwise it reads the counter again and, if no notify came since the
// first read, joins the waiting threads in that step and re-reads the counter
// until a notify takes it out of them, then re-checks. A notify that came
// between the two counter reads sends it back to re-check at once (a wakeup
// the standard allows: waits may wake spuriously). notify_one / notify_all
// increment the counter (one visible step); notify_one then takes any one of
// the waiting threads out (each is an outcome of its step, explored by every
// exhaustive strategy: Execution::choose), notify_all takes them all. The
// re-reading loop is held by the spin detector until the counter is written
// (docs/spin_waits.md), so a waiter is not runnable until a notify, and a wait
// that is never notified ends the execution as a livelock with the waiter
// held; a notify_one that woke another waiter leaves it held again after one
// more read. So a program that needs notify_all but calls notify_one, or whose
// waiter is not the one woken, is caught.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <string>
#include <type_traits>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

namespace detail {

template <class T>
inline constexpr bool kIntegral = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// difference_type, which std::atomic<T> declares for integral, pointer and
// floating-point T only.
template <class T>
struct AtomicDifference {};
template <class T>
  requires kIntegral<T> || std::is_floating_point_v<T>
struct AtomicDifference<T> {
  using difference_type = T;
};
template <class T>
struct AtomicDifference<T*> {
  using difference_type = std::ptrdiff_t;
};

}  // namespace detail

template <class T>
class atomic : public detail::AtomicDifference<T> {
  static_assert(std::is_trivially_copyable_v<T>, "atomic<T> needs a trivially copyable T");

 public:
  using Location = std::source_location;
  using value_type = T;

  static constexpr bool is_always_lock_free = std::atomic<T>::is_always_lock_free;

  // A value-initialised T, as std::atomic's default constructor (C++20).
  atomic(Location location = Location::current())
      : model_(detail::default_name("atomic", location), T{}),
        notifies_(detail::default_name("atomic.notify", location), 0) {}
  // Holds `desired`; not constexpr, unlike std::atomic's (the name is built
  // at run time).
  atomic(T desired, Location location = Location::current())
      : model_(detail::default_name("atomic", location), desired),
        notifies_(detail::default_name("atomic.notify", location), 0) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  // Renames the atomic in traces (and its notify counter "<name>.notify");
  // `name` must outlive the model. Returns *this.
  atomic& name(const char* name) {
    model_.set_name(name);
    notifies_.set_name(detail::intern(std::string(name) + ".notify"));
    return *this;
  }
  const char* name() const { return model_.name(); }

  bool is_lock_free() const noexcept { return model_.native().is_lock_free(); }

  T load(std::memory_order order = std::memory_order_seq_cst,
         Location location = Location::current()) const {
    if (detail::native()) return model_.native().load(order);
    return model_.load(order, location);
  }
  operator T() const { return load(); }

  void store(T desired, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    if (detail::native()) return model_.native().store(desired, order);
    model_.store(desired, order, location);
  }
  // Stores `desired` and returns it (not *this), as std::atomic's.
  T operator=(T desired) {
    store(desired);
    return desired;
  }

  T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    if (detail::native()) return model_.native().exchange(desired, order);
    return model_.exchange(desired, order, location);
  }

  // Under the scheduler the weak forms never fail spuriously and both forms
  // ignore the orders; natively they are std::atomic's.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure,
                             Location location = Location::current()) {
    if (detail::native()) {
      return model_.native().compare_exchange_weak(expected, desired, success, failure);
    }
    return model_.compare_exchange_strong(expected, desired, success, location);
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             Location location = Location::current()) {
    if (detail::native()) return model_.native().compare_exchange_weak(expected, desired, order);
    return model_.compare_exchange_strong(expected, desired, order, location);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               Location location = Location::current()) {
    if (detail::native()) {
      return model_.native().compare_exchange_strong(expected, desired, success, failure);
    }
    return model_.compare_exchange_strong(expected, desired, success, location);
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               Location location = Location::current()) {
    if (detail::native()) {
      return model_.native().compare_exchange_strong(expected, desired, order);
    }
    return model_.compare_exchange_strong(expected, desired, order, location);
  }

  // Blocks while the value equals `old`, until a notify (see the top of this
  // file). On the model's constructor or invariant, where nothing else runs,
  // it returns at once.
  void wait(T old, std::memory_order order = std::memory_order_seq_cst,
            Location location = Location::current()) const {
    switch (detail::engine()) {
      case detail::Engine::kNative:
        model_.native().wait(old, order);
        return;
      case detail::Engine::kExecution:
        return;
      case detail::Engine::kScheduler: {
        const ThreadId self = Execution::current()->running_thread();
        for (;;) {
          const unsigned seen = notifies_.load(order, location);
          if (!same(model_.load(order, location), old)) return;
          // Joins the waiters in the step that finds the counter unchanged,
          // so a notify is ordered against it (DPOR sees a read and a write).
          if (notifies_.load(order, location) != seen) continue;
          waiting_.insert(self);
          // Held as a spin until a notify writes the counter.
          while (waiting_.contains(self)) notifies_.load(order, location);
        }
      }
    }
  }
  // Wakes one waiting thread, any of them (each is explored), if there is
  // one; one visible write of the notify counter.
  void notify_one(Location location = Location::current()) {
    if (detail::native()) return model_.native().notify_one();
    notifies_.fetch_add(1, std::memory_order_seq_cst, location);
    if (detail::engine() != detail::Engine::kScheduler || waiting_.empty()) return;
    ThreadId woken = waiting_.lowest();
    for (int i = Execution::current()->choose(waiting_.size()); i > 0; --i) {
      woken = waiting_.next_after(woken);
    }
    waiting_.erase(woken);
  }
  // Wakes every waiting thread; one visible write of the notify counter.
  void notify_all(Location location = Location::current()) {
    if (detail::native()) return model_.native().notify_all();
    notifies_.fetch_add(1, std::memory_order_seq_cst, location);
    waiting_ = ThreadSet();
  }

  // --- Arithmetic: integral (not bool), pointer and floating-point T ---

  using Delta = std::conditional_t<std::is_pointer_v<T>, std::ptrdiff_t, T>;
  static constexpr bool kArithmetic =
      detail::kIntegral<T> || std::is_pointer_v<T> || std::is_floating_point_v<T>;

  T fetch_add(Delta delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires kArithmetic
  {
    if (detail::native()) return model_.native().fetch_add(delta, order);
    return model_.fetch_add(delta, order, location);
  }
  T fetch_sub(Delta delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires kArithmetic
  {
    if (detail::native()) return model_.native().fetch_sub(delta, order);
    return model_.fetch_sub(delta, order, location);
  }
  T operator+=(Delta delta)
    requires kArithmetic
  {
    return fetch_add(delta) + delta;
  }
  T operator-=(Delta delta)
    requires kArithmetic
  {
    return fetch_sub(delta) - delta;
  }
  T operator++()
    requires detail::kIntegral<T> || std::is_pointer_v<T>
  {
    return fetch_add(1) + 1;
  }
  T operator++(int)
    requires detail::kIntegral<T> || std::is_pointer_v<T>
  {
    return fetch_add(1);
  }
  T operator--()
    requires detail::kIntegral<T> || std::is_pointer_v<T>
  {
    return fetch_sub(1) - 1;
  }
  T operator--(int)
    requires detail::kIntegral<T> || std::is_pointer_v<T>
  {
    return fetch_sub(1);
  }

  // --- Bitwise: integral T (not bool) ---

  T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires detail::kIntegral<T>
  {
    if (detail::native()) return model_.native().fetch_and(bits, order);
    return model_.fetch_and(bits, order, location);
  }
  T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current())
    requires detail::kIntegral<T>
  {
    if (detail::native()) return model_.native().fetch_or(bits, order);
    return model_.fetch_or(bits, order, location);
  }
  T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires detail::kIntegral<T>
  {
    if (detail::native()) return model_.native().fetch_xor(bits, order);
    return model_.fetch_xor(bits, order, location);
  }
  T operator&=(T bits)
    requires detail::kIntegral<T>
  {
    return fetch_and(bits) & bits;
  }
  T operator|=(T bits)
    requires detail::kIntegral<T>
  {
    return fetch_or(bits) | bits;
  }
  T operator^=(T bits)
    requires detail::kIntegral<T>
  {
    return fetch_xor(bits) ^ bits;
  }

 private:
  // Whether two values have the same object representation, which is what
  // std::atomic::wait compares.
  static bool same(const T& a, const T& b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }

  // The value, and the model-API atomic that schedules its operations.
  // mutable: wait() and load() are const, as std::atomic's.
  mutable interleave::atomic<T> model_;
  // How many notify_one/notify_all calls there have been (scheduler only).
  mutable interleave::atomic<unsigned> notifies_;
  // Threads blocked in wait() that no notify has taken out yet (scheduler only).
  mutable ThreadSet waiting_;
};

// std::atomic_flag: clear, test_and_set, test, wait, notify. An atomic<bool>
// inside, so its operations are visible operations like atomic<bool>'s and
// natively they are std::atomic<bool>'s, which behave as std::atomic_flag's.
class atomic_flag {
 public:
  using Location = std::source_location;

  // Clear, as std::atomic_flag's default constructor (C++20).
  atomic_flag(Location location = Location::current()) : flag_(false, location) {}
  // For `atomic_flag f = ATOMIC_FLAG_INIT;` (which is `{ 0 }`): clear.
  atomic_flag(int set, Location location = Location::current()) : flag_(set != 0, location) {}
  atomic_flag(const atomic_flag&) = delete;
  atomic_flag& operator=(const atomic_flag&) = delete;

  // Renames the flag in traces; `name` must outlive the model.
  atomic_flag& name(const char* name) {
    flag_.name(name);
    return *this;
  }
  const char* name() const { return flag_.name(); }

  // Sets the flag and returns whether it was set.
  bool test_and_set(std::memory_order order = std::memory_order_seq_cst,
                    Location location = Location::current()) {
    return flag_.exchange(true, order, location);
  }
  void clear(std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    flag_.store(false, order, location);
  }
  bool test(std::memory_order order = std::memory_order_seq_cst,
            Location location = Location::current()) const {
    return flag_.load(order, location);
  }
  // As atomic<bool>::wait / notify_one / notify_all.
  void wait(bool old, std::memory_order order = std::memory_order_seq_cst,
            Location location = Location::current()) const {
    flag_.wait(old, order, location);
  }
  void notify_one(Location location = Location::current()) { flag_.notify_one(location); }
  void notify_all(Location location = Location::current()) { flag_.notify_all(location); }

 private:
  // The flag.
  atomic<bool> flag_;
};

// A fence: nothing under the scheduler, whose executions are sequentially
// consistent; std::atomic_thread_fence / atomic_signal_fence natively.
inline void atomic_thread_fence(std::memory_order order) noexcept {
  if (detail::native()) std::atomic_thread_fence(order);
}
inline void atomic_signal_fence(std::memory_order order) noexcept {
  if (detail::native()) std::atomic_signal_fence(order);
}

// --- The non-member functions of <atomic>, over the members above (each
// takes the caller's line, as the members do) ---

template <class T>
bool atomic_is_lock_free(const atomic<T>* a) noexcept {
  return a->is_lock_free();
}
template <class T>
T atomic_load(const atomic<T>* a, std::source_location l = std::source_location::current()) {
  return a->load(std::memory_order_seq_cst, l);
}
template <class T>
T atomic_load_explicit(const atomic<T>* a, std::memory_order order,
                       std::source_location l = std::source_location::current()) {
  return a->load(order, l);
}
template <class T>
void atomic_store(atomic<T>* a, std::type_identity_t<T> desired,
                  std::source_location l = std::source_location::current()) {
  a->store(desired, std::memory_order_seq_cst, l);
}
template <class T>
void atomic_store_explicit(atomic<T>* a, std::type_identity_t<T> desired, std::memory_order order,
                           std::source_location l = std::source_location::current()) {
  a->store(desired, order, l);
}
template <class T>
T atomic_exchange(atomic<T>* a, std::type_identity_t<T> desired,
                  std::source_location l = std::source_location::current()) {
  return a->exchange(desired, std::memory_order_seq_cst, l);
}
template <class T>
T atomic_exchange_explicit(atomic<T>* a, std::type_identity_t<T> desired, std::memory_order order,
                           std::source_location l = std::source_location::current()) {
  return a->exchange(desired, order, l);
}
template <class T>
bool atomic_compare_exchange_weak(atomic<T>* a, std::type_identity_t<T>* expected,
                                  std::type_identity_t<T> desired,
                                  std::source_location l = std::source_location::current()) {
  return a->compare_exchange_weak(*expected, desired, std::memory_order_seq_cst, l);
}
template <class T>
bool atomic_compare_exchange_strong(atomic<T>* a, std::type_identity_t<T>* expected,
                                    std::type_identity_t<T> desired,
                                    std::source_location l = std::source_location::current()) {
  return a->compare_exchange_strong(*expected, desired, std::memory_order_seq_cst, l);
}
template <class T>
bool atomic_compare_exchange_weak_explicit(
    atomic<T>* a, std::type_identity_t<T>* expected, std::type_identity_t<T> desired,
    std::memory_order success, std::memory_order failure,
    std::source_location l = std::source_location::current()) {
  return a->compare_exchange_weak(*expected, desired, success, failure, l);
}
template <class T>
bool atomic_compare_exchange_strong_explicit(
    atomic<T>* a, std::type_identity_t<T>* expected, std::type_identity_t<T> desired,
    std::memory_order success, std::memory_order failure,
    std::source_location l = std::source_location::current()) {
  return a->compare_exchange_strong(*expected, desired, success, failure, l);
}

// atomic_fetch_add / sub / and / or / xor and their _explicit forms.
#define INTERLEAVE_STD_LIKE_FETCH(op, Operand)                                                    \
  template <class T>                                                                              \
  T atomic_fetch_##op(atomic<T>* a, Operand operand,                                              \
                      std::source_location l = std::source_location::current())                   \
    requires requires { a->fetch_##op(operand); }                                                 \
  {                                                                                               \
    return a->fetch_##op(operand, std::memory_order_seq_cst, l);                                  \
  }                                                                                               \
  template <class T>                                                                              \
  T atomic_fetch_##op##_explicit(atomic<T>* a, Operand operand, std::memory_order order,          \
                                 std::source_location l = std::source_location::current())        \
    requires requires { a->fetch_##op(operand); }                                                 \
  {                                                                                               \
    return a->fetch_##op(operand, order, l);                                                      \
  }
INTERLEAVE_STD_LIKE_FETCH(add, typename atomic<T>::Delta)
INTERLEAVE_STD_LIKE_FETCH(sub, typename atomic<T>::Delta)
INTERLEAVE_STD_LIKE_FETCH(and, std::type_identity_t<T>)
INTERLEAVE_STD_LIKE_FETCH(or, std::type_identity_t<T>)
INTERLEAVE_STD_LIKE_FETCH(xor, std::type_identity_t<T>)
#undef INTERLEAVE_STD_LIKE_FETCH

template <class T>
void atomic_wait(const atomic<T>* a, std::type_identity_t<T> old,
                 std::source_location l = std::source_location::current()) {
  a->wait(old, std::memory_order_seq_cst, l);
}
template <class T>
void atomic_wait_explicit(const atomic<T>* a, std::type_identity_t<T> old, std::memory_order order,
                          std::source_location l = std::source_location::current()) {
  a->wait(old, order, l);
}
template <class T>
void atomic_notify_one(atomic<T>* a, std::source_location l = std::source_location::current()) {
  a->notify_one(l);
}
template <class T>
void atomic_notify_all(atomic<T>* a, std::source_location l = std::source_location::current()) {
  a->notify_all(l);
}

inline bool atomic_flag_test_and_set(atomic_flag* f,
                                     std::source_location l = std::source_location::current()) {
  return f->test_and_set(std::memory_order_seq_cst, l);
}
inline bool atomic_flag_test_and_set_explicit(
    atomic_flag* f, std::memory_order order,
    std::source_location l = std::source_location::current()) {
  return f->test_and_set(order, l);
}
inline void atomic_flag_clear(atomic_flag* f,
                              std::source_location l = std::source_location::current()) {
  f->clear(std::memory_order_seq_cst, l);
}
inline void atomic_flag_clear_explicit(atomic_flag* f, std::memory_order order,
                                       std::source_location l = std::source_location::current()) {
  f->clear(order, l);
}
inline bool atomic_flag_test(const atomic_flag* f,
                             std::source_location l = std::source_location::current()) {
  return f->test(std::memory_order_seq_cst, l);
}
inline bool atomic_flag_test_explicit(const atomic_flag* f, std::memory_order order,
                                      std::source_location l = std::source_location::current()) {
  return f->test(order, l);
}
inline void atomic_flag_wait(const atomic_flag* f, bool old,
                             std::source_location l = std::source_location::current()) {
  f->wait(old, std::memory_order_seq_cst, l);
}
inline void atomic_flag_wait_explicit(const atomic_flag* f, bool old, std::memory_order order,
                                      std::source_location l = std::source_location::current()) {
  f->wait(old, order, l);
}
inline void atomic_flag_notify_one(atomic_flag* f,
                                   std::source_location l = std::source_location::current()) {
  f->notify_one(l);
}
inline void atomic_flag_notify_all(atomic_flag* f,
                                   std::source_location l = std::source_location::current()) {
  f->notify_all(l);
}

using std::kill_dependency;

// The std::atomic_* type aliases.
using atomic_bool = atomic<bool>;
using atomic_char = atomic<char>;
using atomic_schar = atomic<signed char>;
using atomic_uchar = atomic<unsigned char>;
using atomic_short = atomic<short>;
using atomic_ushort = atomic<unsigned short>;
using atomic_int = atomic<int>;
using atomic_uint = atomic<unsigned int>;
using atomic_long = atomic<long>;
using atomic_ulong = atomic<unsigned long>;
using atomic_llong = atomic<long long>;
using atomic_ullong = atomic<unsigned long long>;
using atomic_char8_t = atomic<char8_t>;
using atomic_char16_t = atomic<char16_t>;
using atomic_char32_t = atomic<char32_t>;
using atomic_wchar_t = atomic<wchar_t>;
using atomic_int8_t = atomic<std::int8_t>;
using atomic_uint8_t = atomic<std::uint8_t>;
using atomic_int16_t = atomic<std::int16_t>;
using atomic_uint16_t = atomic<std::uint16_t>;
using atomic_int32_t = atomic<std::int32_t>;
using atomic_uint32_t = atomic<std::uint32_t>;
using atomic_int64_t = atomic<std::int64_t>;
using atomic_uint64_t = atomic<std::uint64_t>;
using atomic_int_least8_t = atomic<std::int_least8_t>;
using atomic_uint_least8_t = atomic<std::uint_least8_t>;
using atomic_int_least16_t = atomic<std::int_least16_t>;
using atomic_uint_least16_t = atomic<std::uint_least16_t>;
using atomic_int_least32_t = atomic<std::int_least32_t>;
using atomic_uint_least32_t = atomic<std::uint_least32_t>;
using atomic_int_least64_t = atomic<std::int_least64_t>;
using atomic_uint_least64_t = atomic<std::uint_least64_t>;
using atomic_int_fast8_t = atomic<std::int_fast8_t>;
using atomic_uint_fast8_t = atomic<std::uint_fast8_t>;
using atomic_int_fast16_t = atomic<std::int_fast16_t>;
using atomic_uint_fast16_t = atomic<std::uint_fast16_t>;
using atomic_int_fast32_t = atomic<std::int_fast32_t>;
using atomic_uint_fast32_t = atomic<std::uint_fast32_t>;
using atomic_int_fast64_t = atomic<std::int_fast64_t>;
using atomic_uint_fast64_t = atomic<std::uint_fast64_t>;
using atomic_intptr_t = atomic<std::intptr_t>;
using atomic_uintptr_t = atomic<std::uintptr_t>;
using atomic_size_t = atomic<std::size_t>;
using atomic_ptrdiff_t = atomic<std::ptrdiff_t>;
using atomic_intmax_t = atomic<std::intmax_t>;
using atomic_uintmax_t = atomic<std::uintmax_t>;
#if defined(__cpp_lib_atomic_lock_free_type_aliases)
using atomic_signed_lock_free = atomic<std::atomic_signed_lock_free::value_type>;
using atomic_unsigned_lock_free = atomic<std::atomic_unsigned_lock_free::value_type>;
#endif

using std::memory_order;
using std::memory_order_acq_rel;
using std::memory_order_acquire;
using std::memory_order_consume;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;

}  // namespace interleave::std_like
