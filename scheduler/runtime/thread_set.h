// A set of model threads, as a bit mask. Threads are numbered 0..kMaxThreads-1
// in creation order; the number is also the thread's name in traces and
// schedule strings (T0, T1, ...).
#pragma once

#include <bit>
#include <cstdint>

namespace interleave {

using ThreadId = int;
// At most 36 threads, so that each fits one base-36 character of a schedule string.
inline constexpr int kMaxThreads = 36;
inline constexpr ThreadId kNoThread = -1;

class ThreadSet {
 public:
  constexpr ThreadSet() = default;
  // Threads 0..n-1 (none for n <= 0).
  static constexpr ThreadSet first(int n) {
    if (n <= 0) return ThreadSet();
    return ThreadSet(n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1);
  }

  // Whether `t` can be a member: 0..63. Any other id (kNoThread among them)
  // is in no set: contains() is false for it, and insert() and erase() leave
  // the set as it is, so callers may pass kNoThread (e.g. "the current
  // thread" before the first step) without checking.
  static constexpr bool representable(ThreadId t) { return static_cast<unsigned>(t) < 64; }

  constexpr bool contains(ThreadId t) const { return representable(t) && ((bits_ >> t) & 1) != 0; }
  constexpr void insert(ThreadId t) {
    if (representable(t)) bits_ |= uint64_t{1} << t;
  }
  constexpr void erase(ThreadId t) {
    if (representable(t)) bits_ &= ~(uint64_t{1} << t);
  }
  constexpr void insert_all(ThreadSet s) { bits_ |= s.bits_; }
  constexpr void erase_all(ThreadSet s) { bits_ &= ~s.bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr int size() const { return std::popcount(bits_); }
  // The lowest-numbered thread in the set; kNoThread when empty.
  constexpr ThreadId lowest() const {
    return bits_ == 0 ? kNoThread : std::countr_zero(bits_);
  }
  // The lowest-numbered thread greater than `t`; kNoThread when none. For a
  // negative `t` (kNoThread), the lowest.
  constexpr ThreadId next_after(ThreadId t) const {
    if (t < 0) return lowest();
    if (t + 1 >= 64) return kNoThread;
    uint64_t rest = bits_ & (~uint64_t{0} << (t + 1));
    return rest == 0 ? kNoThread : std::countr_zero(rest);
  }
  constexpr uint64_t bits() const { return bits_; }
  constexpr bool operator==(const ThreadSet&) const = default;

 private:
  constexpr explicit ThreadSet(uint64_t bits) : bits_(bits) {}
  uint64_t bits_ = 0;
};

}  // namespace interleave
