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
  static constexpr ThreadSet first(int n) {
    return ThreadSet(n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1);
  }

  constexpr bool contains(ThreadId t) const { return (bits_ >> t) & 1; }
  constexpr void insert(ThreadId t) { bits_ |= uint64_t{1} << t; }
  constexpr void erase(ThreadId t) { bits_ &= ~(uint64_t{1} << t); }
  constexpr void insert_all(ThreadSet s) { bits_ |= s.bits_; }
  constexpr void erase_all(ThreadSet s) { bits_ &= ~s.bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr int size() const { return std::popcount(bits_); }
  // The lowest-numbered thread in the set; kNoThread when empty.
  constexpr ThreadId lowest() const {
    return bits_ == 0 ? kNoThread : std::countr_zero(bits_);
  }
  // The lowest-numbered thread greater than `t`; kNoThread when none.
  constexpr ThreadId next_after(ThreadId t) const {
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
