#include "scheduler/runtime/watchdog.h"

#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "scheduler/runtime/checker_thread.h"
#include "scheduler/runtime/crash.h"

namespace interleave {

// The process's watchdog thread and the executions it watches. Never
// destroyed: the thread may still look at the list while the process exits.
class Watchdog {
 public:
  static Watchdog& instance() {
    static Watchdog* watchdog = new Watchdog;
    return *watchdog;
  }

  void watch(Watched* w) {
    std::lock_guard<std::mutex> lock(mutex_);
    watched_.push_back(w);
    if (!started_) {
      started_ = true;
      std::thread([this] { run(); }).detach();
    }
    // No notify (a system call per check): the thread looks again within
    // its longest period, kIdlePeriod.
  }

  void unwatch(Watched* w) {
    std::lock_guard<std::mutex> lock(mutex_);
    watched_.erase(std::find(watched_.begin(), watched_.end(), w));
  }

 private:
  static constexpr double kIdlePeriod = 0.25;

  void run() {
    checker_thread() = true;
    // The watchdog's own thread never takes the stuck signal.
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, crash::stuck_signal());
    pthread_sigmask(SIG_BLOCK, &block, nullptr);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      // A few looks per limit: a stuck run is found within 1.25 limits.
      double shortest = kIdlePeriod * 4;
      for (const Watched* w : watched_) shortest = std::min(shortest, w->limit_seconds());
      const double period = std::clamp(shortest / 4, 0.005, kIdlePeriod);
      wake_.wait_for(lock, std::chrono::duration<double>(period));
      const auto now = std::chrono::steady_clock::now();
      for (Watched* w : watched_) look_at(*w, now);
    }
  }

  static double cpu_seconds(const Watched& w) {
    timespec t{};
    if (clock_gettime(w.cpu_clock_, &t) != 0) return 0;
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
  }

  static void look_at(Watched& w, std::chrono::steady_clock::time_point now) {
    if (!w.running_.load(std::memory_order_acquire)) {
      w.seen_ = ~uint64_t{0};
      return;
    }
    const uint64_t progress = w.progress_.load(std::memory_order_relaxed);
    const double cpu = cpu_seconds(w);
    const double cpu_since_last_look = cpu - w.cpu_last_look_;
    w.cpu_last_look_ = cpu;
    if (progress != w.seen_) {
      w.seen_ = progress;
      w.since_ = now;
      w.cpu_since_ = cpu;
      return;
    }
    const double limit = w.limit_seconds();
    if (std::chrono::duration<double>(now - w.since_).count() < limit) return;
    const bool spinning = cpu - w.cpu_since_ >= limit / 2;
    const bool blocked = cpu_since_last_look == 0;
    if (!spinning && !blocked) return;  // slow: the machine is busy
    w.stuck_at_.store(progress, std::memory_order_release);
    w.since_ = now;  // signals again after another limit if still stuck
    w.cpu_since_ = cpu;
    pthread_kill(w.thread_, crash::stuck_signal());
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Watched*> watched_;
  bool started_ = false;
};

Watched& Watched::for_this_thread() {
  thread_local Watched watched;
  return watched;
}

Watched::Watched() : thread_(pthread_self()) {
  if (pthread_getcpuclockid(thread_, &cpu_clock_) != 0) cpu_clock_ = CLOCK_MONOTONIC;
}

void Watched::register_thread() {
  registered_ = true;
  Watchdog::instance().watch(this);
}

Watched::~Watched() {
  if (registered_) Watchdog::instance().unwatch(this);
}

}  // namespace interleave
