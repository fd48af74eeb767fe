// The watchdog: a model thread (or the model's constructor, invariant or
// destructor) that runs longer than a wall-clock limit without reaching a
// visible operation is stuck: spinning on a variable the scheduler cannot see,
// or blocked in a call it cannot see (a std::mutex another fiber holds).
//
// One watchdog OS thread per process, started with the first watched
// execution, looks at every watched execution a few times per limit. An
// execution counts its steps in a relaxed atomic (one plain increment per
// step, the whole per-step cost); when the count of a running execution has
// not moved for the limit, the watchdog sends crash::stuck_signal() to that
// execution's OS thread, whose handler leaves the stuck model code as after a
// crash (crash.h) and the execution fails with FailureKind::kStuck.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace interleave {

class Watched {
 public:
  // Watches the calling OS thread's runs; `limit_seconds` <= 0: not watched.
  explicit Watched(double limit_seconds);
  ~Watched();
  Watched(const Watched&) = delete;
  Watched& operator=(const Watched&) = delete;

  // Around one execution: only a running execution can be stuck.
  void begin_run() {
    step();
    running_.store(true, std::memory_order_release);
  }
  void end_run() { running_.store(false, std::memory_order_release); }
  // Called at every step: progress the watchdog can see.
  void step() {
    progress_.store(progress_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // On the watched OS thread (in the stuck signal's handler): whether the
  // watchdog found the run stuck where it still is.
  bool found_stuck() const {
    return running_.load(std::memory_order_relaxed) &&
           stuck_at_.load(std::memory_order_acquire) ==
               progress_.load(std::memory_order_relaxed);
  }
  double limit_seconds() const { return limit_seconds_; }

 private:
  friend class Watchdog;

  // The limit; <= 0 when not watched.
  double limit_seconds_;
  // The OS thread the runs happen on (the stuck signal's target).
  pthread_t thread_;
  // Steps (and run starts) so far: unchanged for the limit means stuck.
  std::atomic<uint64_t> progress_{0};
  // Whether an execution is running now.
  std::atomic<bool> running_{false};
  // The progress at which the watchdog last found the run stuck.
  std::atomic<uint64_t> stuck_at_{~uint64_t{0}};
  // Watchdog thread only: the progress it last saw, and since when.
  uint64_t seen_ = ~uint64_t{0};
  std::chrono::steady_clock::time_point since_{};
};

}  // namespace interleave
