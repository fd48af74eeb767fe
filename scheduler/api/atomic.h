// atomic<T>: an atomic variable. Each operation is one visible operation that
// no other thread can interleave with. The scheduler explores sequentially
// consistent interleavings: memory orders are accepted (so the same source
// runs natively with them) but every operation is treated as seq_cst.
//
// Writes and compare_exchange carry a ValueProbe (scheduler/runtime/operation.h) when
// T fits 8 bytes and its value is its object representation, so that DPOR
// can tell a compare_exchange that will fail (a read) from one that will
// succeed (a read-modify-write) before it runs.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <type_traits>

#include "scheduler/api/shown_value.h"

namespace interleave {

template <class T>
class atomic {
 public:
  using Location = std::source_location;

  // `name` appears in traces; it must outlive the model (a string literal).
  explicit atomic(const char* name = "atomic", T initial = T{}) : name_(name), value_(initial) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst,
         Location location = Location::current()) const {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule(Operation{OpKind::kLoad, this, name_, location});
      T value = value_.load(std::memory_order_relaxed);
      detail::record_read(ex, value);
      return value;
    }
    return value_.load(order);
  }

  void store(T value, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule(Operation{OpKind::kStore, this, name_, location, nullptr, kNoThread, -1,
                             write_probe()});
      value_.store(value, std::memory_order_relaxed);
      detail::record_written(ex, value);
      return;
    }
    value_.store(value, order);
  }

  T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current()) {
    if (Execution* ex = detail::scheduling()) {
      // Lives while this thread waits at the scheduling point; knows the
      // value written, so an exchange that rewrites the value already there
      // is seen to change nothing (spin detection).
      ValueProbe probe{&current_bits, 0, bits_of(value), kProbed};
      ex->schedule(Operation{OpKind::kExchange, this, name_, location, nullptr, kNoThread, -1,
                             kProbed ? &probe : nullptr});
      T old = value_.exchange(value, std::memory_order_relaxed);
      detail::record_read(ex, old);
      detail::record_written(ex, value);
      return old;
    }
    return value_.exchange(value, order);
  }

  // Never fails spuriously under the scheduler.
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               Location location = Location::current()) {
    if (Execution* ex = detail::scheduling()) {
      // Lives while this thread waits at the scheduling point.
      ValueProbe probe{&current_bits, 0, bits_of(desired), kProbed};
      if constexpr (kProbed) probe.expected = bits_of(expected);
      ex->schedule(Operation{OpKind::kCompareExchange, this, name_, location, nullptr, kNoThread,
                             -1, kProbed ? &probe : nullptr});
      bool ok = value_.compare_exchange_strong(expected, desired, std::memory_order_relaxed);
      detail::record_read(ex, ok ? T(expected) : expected);
      if (ok) detail::record_written(ex, desired);
      return ok;
    }
    return value_.compare_exchange_strong(expected, desired, order);
  }

  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             Location location = Location::current()) {
    if (detail::scheduling() != nullptr) {
      return compare_exchange_strong(expected, desired, order, location);
    }
    return value_.compare_exchange_weak(expected, desired, order);
  }

  T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current()) {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule(Operation{OpKind::kFetchAdd, this, name_, location, nullptr, kNoThread, -1,
                             write_probe()});
      T old = value_.fetch_add(delta, std::memory_order_relaxed);
      detail::record_read(ex, old);
      detail::record_written(ex, T(old + delta));
      return old;
    }
    return value_.fetch_add(delta, order);
  }

  T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current()) {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule(Operation{OpKind::kFetchAdd, this, name_, location, nullptr, kNoThread, -1,
                             write_probe()});
      T old = value_.fetch_sub(delta, std::memory_order_relaxed);
      detail::record_read(ex, old);
      detail::record_written(ex, T(old - delta));
      return old;
    }
    return value_.fetch_sub(delta, order);
  }

  // For pointer T: moves the pointer by `delta` elements, like
  // std::atomic<T*>::fetch_add / fetch_sub. One visible read-modify-write.
  T fetch_add(std::ptrdiff_t delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires std::is_pointer_v<T>
  {
    return fetch_modify([delta](T old) { return old + delta; },
                        [&] { return value_.fetch_add(delta, order); }, location);
  }
  T fetch_sub(std::ptrdiff_t delta, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires std::is_pointer_v<T>
  {
    return fetch_modify([delta](T old) { return old - delta; },
                        [&] { return value_.fetch_sub(delta, order); }, location);
  }

  // Bitwise read-modify-writes for integral T, like std::atomic's: one
  // visible operation each, of the same kind as fetch_add (an unconditional
  // read-modify-write; traces name it fetch_add).
  T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
             Location location = Location::current())
    requires std::is_integral_v<T>
  {
    return fetch_modify([bits](T old) { return T(old | bits); },
                        [&] { return value_.fetch_or(bits, order); }, location);
  }
  T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires std::is_integral_v<T>
  {
    return fetch_modify([bits](T old) { return T(old & bits); },
                        [&] { return value_.fetch_and(bits, order); }, location);
  }
  T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
              Location location = Location::current())
    requires std::is_integral_v<T>
  {
    return fetch_modify([bits](T old) { return T(old ^ bits); },
                        [&] { return value_.fetch_xor(bits, order); }, location);
  }

  const char* name() const { return name_; }
  // Renames the atomic in traces from the next operation on; `name` must
  // outlive the model (a string literal, or interned storage).
  void set_name(const char* name) { name_ = name; }

  // The std::atomic that holds the value. Operations on it are not visible
  // operations: it is for code that runs outside an execution (natively),
  // such as interleave::std_like::atomic's native path.
  std::atomic<T>& native() { return value_; }
  const std::atomic<T>& native() const { return value_; }

 private:
  // One visible read-modify-write that always writes. Under the scheduler,
  // `next(old)` gives the value written; elsewhere `native_op()` performs the
  // operation on value_ with the caller's memory order. Returns the old value.
  template <class Next, class NativeOp>
  T fetch_modify(Next next, NativeOp native_op, Location location) {
    if (Execution* ex = detail::scheduling()) {
      ex->schedule(Operation{OpKind::kFetchAdd, this, name_, location, nullptr, kNoThread, -1,
                             write_probe()});
      T old = value_.load(std::memory_order_relaxed);
      T updated = next(old);
      value_.store(updated, std::memory_order_relaxed);
      detail::record_read(ex, old);
      detail::record_written(ex, updated);
      return old;
    }
    return native_op();
  }

  // Whether operations carry a ValueProbe: T fits 8 bytes and equal values
  // have equal bytes (compare_exchange compares bytes).
  static constexpr bool kProbed =
      sizeof(T) <= sizeof(uint64_t) &&
      (std::has_unique_object_representations_v<T> || std::is_floating_point_v<T>);
  // `value`'s object representation in the low bytes of a zeroed word.
  static uint64_t bits_of(const T& value) {
    uint64_t bits = 0;
    if constexpr (kProbed) std::memcpy(&bits, &value, sizeof(T));
    return bits;
  }
  static uint64_t current_bits(const void* object) {
    return bits_of(static_cast<const atomic*>(object)->value_.load(std::memory_order_relaxed));
  }
  // The probe of a write that is not a compare_exchange (no `expected`).
  static constexpr ValueProbe kWriteProbe{&current_bits, 0};
  static const ValueProbe* write_probe() { return kProbed ? &kWriteProbe : nullptr; }

  // Name in traces.
  const char* name_;
  // The value; a real atomic so the same object also works on native threads.
  std::atomic<T> value_;
};

}  // namespace interleave
