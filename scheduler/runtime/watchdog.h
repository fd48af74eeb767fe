// The watchdog: a model thread (or the model's constructor, invariant or
// destructor) that runs longer than a wall-clock limit without reaching a
// visible operation is stuck: spinning on a variable the scheduler cannot see,
// or blocked in a call it cannot see (a std::mutex another fiber holds).
//
// One watchdog OS thread per process, started with the first watched
// execution, looks at every watched execution a few times per limit. An
// execution counts its steps in a relaxed atomic (one plain increment per
// step, the whole per-step cost). When the count of a running execution has
// not moved for the limit of wall-clock time, and its OS thread either used
// half the limit of CPU time meanwhile (a spin) or none at all since the last
// look (blocked), the watchdog sends crash::stuck_signal() to that thread,
// whose handler leaves the stuck model code as after a crash (crash.h): the
// execution fails with FailureKind::kStuck. (A thread that is merely slow
// because the machine is loaded does neither, so it is not reported.)
#pragma once

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace interleave {

// The runs of one OS thread as the watchdog sees them: every Execution on
// the thread shares it (their runs never overlap), so a check pays nothing
// to be watched; the thread registers with the watchdog at its first watched
// run and leaves when it ends.
class Watched {
 public:
  static Watched& for_this_thread();
  ~Watched();
  Watched(const Watched&) = delete;
  Watched& operator=(const Watched&) = delete;

  // Around one execution: only a running execution can be stuck, after
  // `limit_seconds` (<= 0: this run is not watched).
  void begin_run(double limit_seconds) {
    step();
    if (!(limit_seconds > 0)) return;
    if (!registered_) [[unlikely]] register_thread();
    limit_seconds_.store(limit_seconds, std::memory_order_relaxed);
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
  // The limit of the current (or last) watched run.
  double limit_seconds() const { return limit_seconds_.load(std::memory_order_relaxed); }

 private:
  friend class Watchdog;
  Watched();
  void register_thread();

  // Whether the watchdog watches this thread.
  bool registered_ = false;
  // The limit of the current run.
  std::atomic<double> limit_seconds_{0};
  // The OS thread the runs happen on (the stuck signal's target), and its
  // CPU-time clock.
  pthread_t thread_;
  clockid_t cpu_clock_{};
  // Steps (and run starts) so far: unchanged for the limit means stuck.
  std::atomic<uint64_t> progress_{0};
  // Whether an execution is running now.
  std::atomic<bool> running_{false};
  // The progress at which the watchdog last found the run stuck.
  std::atomic<uint64_t> stuck_at_{~uint64_t{0}};
  // Watchdog thread only: the progress it last saw, since when (wall clock
  // and the thread's CPU time), and the thread's CPU time at the last look.
  uint64_t seen_ = ~uint64_t{0};
  std::chrono::steady_clock::time_point since_{};
  double cpu_since_ = 0;
  double cpu_last_look_ = 0;
};

}  // namespace interleave
