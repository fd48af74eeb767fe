// std_like::barrier<CompletionFunction>: the interface of std::barrier
// (arrive, wait, arrive_and_wait, arrive_and_drop, max, arrival_token).
//
// Under the scheduler it is three interleave::atomic<>s: the phase number, the
// arrivals still expected in this phase, and the count expected in the next
// phases (arrive_and_drop lowers it). arrive(n) reads the phase, then
// fetch_subs n; the thread whose arrival completes the phase runs the
// completion function, resets the count and advances the phase. (No phase can
// end between another arriver's two steps: it needs that arrival.) wait(token)
// re-reads the phase until it has moved past the token's, a loop held as a
// spin until another thread writes the phase (docs/spin_waits.md), so a
// waiting thread is not runnable and a barrier that never completes ends the
// execution as a livelock. (These loops do not yield: a yield would let
// every unrelated step wake the waiter, and exhaustive strategies would
// explore each of those wakeups.) Arriving more often than expected in a phase fails
// the execution (undefined behaviour in C++).
//
// Natively it is a std::barrier whose completion calls this object's
// completion function.
#pragma once

#include <barrier>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <source_location>
#include <utility>

#include <fmt/format.h>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

namespace detail {
// The default completion function: does nothing.
struct NoCompletion {
  void operator()() noexcept {}
};
}  // namespace detail

template <class CompletionFunction = detail::NoCompletion>
class barrier {
  // What the native std::barrier runs when a phase completes: this object's
  // completion function.
  struct NativeCompletion {
    CompletionFunction* completion;
    void operator()() noexcept { (*completion)(); }
  };

 public:
  using Location = std::source_location;

  // Which phase an arrival belongs to; give it back to wait(). Move-only.
  class arrival_token {
   public:
    arrival_token(arrival_token&&) noexcept = default;
    arrival_token& operator=(arrival_token&&) noexcept = default;

   private:
    friend class barrier;
    explicit arrival_token(uint64_t phase) : phase_(phase) {}
    explicit arrival_token(typename std::barrier<NativeCompletion>::arrival_token&& native)
        : native_(std::move(native)) {}
    // The phase arrived at (scheduler), or the std token (natively).
    uint64_t phase_ = 0;
    std::optional<typename std::barrier<NativeCompletion>::arrival_token> native_;
  };

  static constexpr std::ptrdiff_t max() noexcept { return std::barrier<NativeCompletion>::max(); }

  // `expected` threads arrive in each phase; the last one runs `completion`.
  explicit barrier(std::ptrdiff_t expected, CompletionFunction completion = CompletionFunction(),
                   Location location = Location::current())
      : completion_(std::move(completion)),
        phase_(detail::default_name("barrier", location), 0),
        remaining_(detail::default_name("barrier.remaining", location), expected),
        expected_(detail::default_name("barrier.expected", location), expected),
        native_(expected, NativeCompletion{&completion_}) {}
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;

  // Renames it (its phase) in traces; `name` must outlive the model.
  barrier& name(const char* name) {
    phase_.set_name(name);
    return *this;
  }
  const char* name() const { return phase_.name(); }

  // Counts `update` arrivals in the current phase; never waits.
  [[nodiscard]] arrival_token arrive(std::ptrdiff_t update = 1,
                                     Location location = Location::current()) {
    if (detail::native()) return arrival_token(native_.arrive(update));
    uint64_t phase = phase_.load(std::memory_order_seq_cst, location);
    std::ptrdiff_t was = remaining_.fetch_sub(update, std::memory_order_seq_cst, location);
    if (update <= 0 || update > was) {
      if (detail::engine() == detail::Engine::kScheduler) {
        detail::fail(fmt::format("arrive({}) at {} with {} arrivals left in phase {}", update,
                                 name(), was, phase),
                     location);
      }
      return arrival_token(phase);
    }
    if (was == update) {  // the phase is complete
      completion_();
      remaining_.store(expected_.load(std::memory_order_seq_cst, location),
                       std::memory_order_seq_cst, location);
      phase_.fetch_add(1, std::memory_order_seq_cst, location);
    }
    return arrival_token(phase);
  }
  // Waits until the phase of `token` has completed.
  void wait(arrival_token&& token, Location location = Location::current()) const {
    if (token.native_) return native_.wait(std::move(*token.native_));
    while (phase_.load(std::memory_order_seq_cst, location) == token.phase_) {
      // On the model's constructor or invariant nothing could complete it.
      if (detail::engine() != detail::Engine::kScheduler) return;
    }
  }
  // arrive(), then wait() for that phase.
  void arrive_and_wait(Location location = Location::current()) {
    if (detail::native()) return native_.arrive_and_wait();
    wait(arrive(1, location), location);
  }
  // Arrives in this phase and leaves: later phases expect one thread fewer.
  void arrive_and_drop(Location location = Location::current()) {
    if (detail::native()) return native_.arrive_and_drop();
    expected_.fetch_sub(1, std::memory_order_seq_cst, location);
    (void)arrive(1, location);
  }

 private:
  // Run by the thread whose arrival completes a phase (both engines).
  CompletionFunction completion_;
  // Under the scheduler: the phase number, arrivals left in it, and the
  // arrivals each later phase expects.
  interleave::atomic<uint64_t> phase_;
  interleave::atomic<std::ptrdiff_t> remaining_;
  interleave::atomic<std::ptrdiff_t> expected_;
  // The barrier natively (mutable: std::barrier::wait is const).
  mutable std::barrier<NativeCompletion> native_;
};

}  // namespace interleave::std_like
