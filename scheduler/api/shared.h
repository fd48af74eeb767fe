// shared<T>: a plain shared variable. Every load and every store is a visible
// operation, so a read-modify-write written as load() then store() can be
// interleaved — exactly how `counter += 1` loses updates.
//
//   shared<int> counter{"counter", 0};
//   int v = counter.load();
//   counter.store(v + 1);
//
// Outside the scheduler (model constructor and invariant, or no execution at
// all) loads and stores act directly. On native threads they are relaxed
// atomic accesses (std::atomic_ref), so lost updates can happen without
// undefined behaviour. In a ThreadSanitizer build (--config=tsan) they are
// plain accesses instead, so that TSan reports the data race of a racy model
// (and stays silent on a correct one, whose accesses are ordered by its
// mutexes, atomics and joins).
//
// Under the scheduler the accesses are marked plain (Operation::plain): two
// of them from different threads, at least one a store, that happens-before
// does not order are a data race, which fails the execution at the second
// one (race_detector.h; ExecutionLimits::detect_races turns it off).
#pragma once

#include <atomic>
#include <source_location>
#include <type_traits>

#include "scheduler/api/shown_value.h"

namespace interleave {

// Whether native shared<T> accesses are plain (a ThreadSanitizer build).
#if defined(__SANITIZE_THREAD__)
inline constexpr bool kPlainNativeAccess = true;
#else
inline constexpr bool kPlainNativeAccess = false;
#endif

template <class T>
class shared {
  static_assert(std::is_trivially_copyable_v<T>, "shared<T> needs a trivially copyable T");

 public:
  // `name` appears in traces; it must outlive the model (a string literal).
  explicit shared(const char* name = "shared", T initial = T{}) : name_(name), value_(initial) {}
  shared(const shared&) = delete;
  shared& operator=(const shared&) = delete;
  // A variable destroyed during an execution (a local of a thread body) is
  // forgotten, so one built later at its address is not confused with it.
  ~shared() {
    if (Execution* ex = detail::scheduling()) ex->forget_object(this);
  }

  T load(std::source_location location = std::source_location::current()) const {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule_fields(OpKind::kLoad, this, name_, location, /*can_run=*/true, nullptr,
                          kNoThread, /*probe=*/nullptr, /*plain=*/true);
      T value = value_;
      detail::record_read(ex, value);
      return value;
    }
    if (kPlainNativeAccess || Execution::current() != nullptr) return value_;
    return std::atomic_ref<T>(const_cast<T&>(value_)).load(std::memory_order_relaxed);
  }

  void store(T value, std::source_location location = std::source_location::current()) {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule_fields(OpKind::kStore, this, name_, location, /*can_run=*/true, nullptr,
                          kNoThread, /*probe=*/nullptr, /*plain=*/true);
      value_ = value;
      detail::record_written(ex, value);
      return;
    }
    if (kPlainNativeAccess || Execution::current() != nullptr) {
      value_ = value;
      return;
    }
    std::atomic_ref<T>(value_).store(value, std::memory_order_relaxed);
  }

  const char* name() const { return name_; }

 private:
  // Name in traces.
  const char* name_;
  // The current value.
  alignas(std::atomic_ref<T>::required_alignment) T value_;
};

}  // namespace interleave
