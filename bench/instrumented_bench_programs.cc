// The programs of bench/instrumented_bench.cc, written with std::thread,
// std::mutex and std::atomic and compiled with -fsanitize=thread (bench/BUILD,
// cmake/InterleaveBench.cmake): T0 starts kThreads threads that each
// increment a counter kIters times, joins them and checks the total. The
// same programs written with interleave's API are in instrumented_bench.cc.
#include <atomic>
#include <mutex>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

constexpr int kThreads = 2;
constexpr int kIters = 3;

}  // namespace

// A plain int incremented under a std::mutex.
INTERLEAVE_INSTRUMENTED_TEST(bench_std_mutex_counter,
                             "2 std::threads x 3 increments of an int under a std::mutex") {
  int counter = 0;
  std::mutex m;
  auto add = [&] {
    for (int i = 0; i < kIters; ++i) {
      std::lock_guard<std::mutex> guard(m);
      ++counter;
    }
  };
  std::thread threads[kThreads];
  for (std::thread& t : threads) t = std::thread(add);
  for (std::thread& t : threads) t.join();
  INTERLEAVE_CHECK(counter == kThreads * kIters, "lost update: counter == {}", counter);
}

// A std::atomic<int> incremented with fetch_add.
INTERLEAVE_INSTRUMENTED_TEST(bench_std_atomic_counter,
                             "2 std::threads x 3 fetch_adds of a std::atomic<int>") {
  std::atomic<int> counter{0};
  auto add = [&] {
    for (int i = 0; i < kIters; ++i) counter.fetch_add(1);
  };
  std::thread threads[kThreads];
  for (std::thread& t : threads) t = std::thread(add);
  for (std::thread& t : threads) t.join();
  INTERLEAVE_CHECK(counter.load() == kThreads * kIters, "lost update: counter == {}",
                   counter.load());
}
