// Double-checked locking, as published (D. Schmidt and T. Harrison,
// "Double-Checked Locking", PLoP 1996) and as it is still shipped: an object
// created on first use, by whichever thread asks first, under a mutex that
// later callers skip once a flag says the object exists. With a plain bool
// for the flag the fast path reads it, and then the object, while the
// creating thread may still be writing them: a data race (S. Meyers and
// A. Alexandrescu, "C++ and the Perils of Double-Checked Locking", 2004).
// The C++11 fix publishes the object with a release store of a
// std::atomic<bool> that the fast path reads with acquire.
//
// Nothing here was written for interleave: compiled with -fsanitize=thread
// and linked with its runtime (docs/instrumented.md), the same code runs
// under the scheduler. A lazy singleton is a global in real code; here the
// holder is a local of the test body, so that every execution starts with
// the object not yet created.
#include <atomic>
#include <mutex>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

// What gets created lazily: settings that would be read from a file.
struct Settings {
  int retries = 3;
  int timeout_ms = 250;
};

// The object of type T, created by the first get() and shared from then on.
// The flag is a plain bool: broken.
template <class T>
class LazyInstance {
 public:
  LazyInstance() = default;
  LazyInstance(const LazyInstance&) = delete;
  LazyInstance& operator=(const LazyInstance&) = delete;
  ~LazyInstance() { delete instance_; }

  T& get() {
    if (!created_) {  // the fast path: no lock once created
      std::lock_guard<std::mutex> lock(mutex_);
      if (!created_) {
        instance_ = new T();
        created_ = true;
      }
    }
    return *instance_;
  }

 private:
  std::mutex mutex_;
  bool created_ = false;
  T* instance_ = nullptr;
};

// The same with the flag a std::atomic<bool>: the creator's release store
// orders the object's construction before any acquire load that sees true.
template <class T>
class AtomicLazyInstance {
 public:
  AtomicLazyInstance() = default;
  AtomicLazyInstance(const AtomicLazyInstance&) = delete;
  AtomicLazyInstance& operator=(const AtomicLazyInstance&) = delete;
  ~AtomicLazyInstance() { delete instance_; }

  T& get() {
    if (!created_.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!created_.load(std::memory_order_relaxed)) {
        instance_ = new T();
        created_.store(true, std::memory_order_release);
      }
    }
    return *instance_;
  }

 private:
  std::mutex mutex_;
  std::atomic<bool> created_{false};
  T* instance_ = nullptr;
};

}  // namespace

// Two threads ask for the settings at once. The fast path's read of
// `created_` (the first `if` of get()) takes no lock, so it is unordered with
// the other thread's `created_ = true` whichever comes first: a data race in
// every execution. DFS's first has it: b, started while a runs to its lock,
// reads the flag; a then sets it. The report names both lines
// (tests/instrumented_demo_test.cc checks them).
INTERLEAVE_INSTRUMENTED_TEST(lazy_init_plain_flag,
                             "double-checked locking with a plain bool flag: a data race") {
  LazyInstance<Settings> settings;
  int retries_a = 0;
  int retries_b = 0;
  std::thread a([&] { retries_a = settings.get().retries; });
  std::thread b([&] { retries_b = settings.get().retries; });
  a.join();
  b.join();
  INTERLEAVE_CHECK(retries_a == 3 && retries_b == 3, "settings seen half-built: retries {} and {}",
                   retries_a, retries_b);
}

// The fix passes every schedule. Visible operations: T0 starts a and b and
// joins them (starts, and joins of finished threads, go first unbranched); a and b each load the flag; one that finds it false locks,
// loads it again and, still false, stores it and unlocks (a thread that
// found false too waits for the lock, then loads true and unlocks). DFS
// orders these: 12 executions (measured; tests/instrumented_demo_test.cc
// holds the count, so a change in what is visible shows).
INTERLEAVE_INSTRUMENTED_TEST(lazy_init_atomic_flag,
                             "double-checked locking with std::atomic<bool> acquire/release") {
  AtomicLazyInstance<Settings> settings;
  int retries_a = 0;
  int retries_b = 0;
  std::thread a([&] { retries_a = settings.get().retries; });
  std::thread b([&] { retries_b = settings.get().retries; });
  a.join();
  b.join();
  INTERLEAVE_CHECK(retries_a == 3 && retries_b == 3, "settings seen half-built: retries {} and {}",
                   retries_a, retries_b);
}
