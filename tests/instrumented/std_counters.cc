// Counters written with std::thread, std::mutex and std::atomic only, as
// anyone would write them: compiled with -fsanitize=thread and linked with
// interleave's runtime (rules/instrumented.bzl), they run under the
// scheduler. Two threads, two increments each, like the models counter.racy,
// counter.locked and counter.atomic at --threads 2 --iters 2.
#include <atomic>
#include <mutex>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

constexpr int kIters = 2;

}  // namespace

// A plain int incremented by two threads: a data race.
INTERLEAVE_INSTRUMENTED_TEST(std_counter_racy, "plain int ++ from two std::threads: a data race") {
  int counter = 0;
  auto add = [&counter] {
    for (int i = 0; i < kIters; ++i) ++counter;
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  INTERLEAVE_CHECK(counter == 2 * kIters, "lost update: counter == {}", counter);
}

// The same increment under a std::mutex.
INTERLEAVE_INSTRUMENTED_TEST(std_counter_locked, "int ++ under a std::mutex from two std::threads") {
  int counter = 0;
  std::mutex m;
  auto add = [&] {
    for (int i = 0; i < kIters; ++i) {
      std::lock_guard<std::mutex> guard(m);
      ++counter;
    }
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  INTERLEAVE_CHECK(counter == 2 * kIters, "lost update: counter == {}", counter);
}

// One std::atomic<int>::fetch_add per increment.
INTERLEAVE_INSTRUMENTED_TEST(std_counter_atomic, "std::atomic<int> fetch_add from two std::threads") {
  std::atomic<int> counter{0};
  auto add = [&counter] {
    for (int i = 0; i < kIters; ++i) counter.fetch_add(1);
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  INTERLEAVE_CHECK(counter.load() == 2 * kIters, "lost update: counter == {}", counter.load());
}
