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

  const char* name() const { return name_; }

 private:
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
