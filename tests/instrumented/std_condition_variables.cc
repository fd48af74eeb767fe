// A hand-off through a std::condition_variable written with std types only,
// in a correct version and with the two classic lost-wakeup bugs:
// compiled with -fsanitize=thread and linked with interleave's runtime
// (rules/instrumented.bzl), its pthread_cond_* calls are the scheduler's
// condition-variable operations (notify_one wakes any waiter, a wait may wake
// spuriously, a timed wait may time out while it sleeps).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "instrumented/instrumented.h"

// The consumer waits in a loop until the producer, under the mutex, has
// published the value and set the flag; the producer notifies after
// unlocking. Correct under every schedule.
INTERLEAVE_INSTRUMENTED_TEST(std_cv_handoff, "producer/consumer over a std::condition_variable") {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  int data = 0;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(m);
    while (!ready) cv.wait(lock);
    INTERLEAVE_CHECK(data == 42, "consumer read data == {} after the hand-off", data);
  });
  std::thread producer([&] {
    {
      std::lock_guard<std::mutex> guard(m);
      data = 42;
      ready = true;
    }
    cv.notify_one();
  });
  consumer.join();
  producer.join();
}

// The consumer waits with `if` instead of `while`: a spurious wakeup (which
// C++ allows) lets it on before the producer has published.
INTERLEAVE_INSTRUMENTED_TEST(std_cv_if_wait, "consumer waits with if, not while: a spurious wakeup") {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  int data = 0;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(m);
    if (!ready) cv.wait(lock);
    INTERLEAVE_CHECK(data == 42, "consumer read data == {} after the hand-off", data);
  });
  std::thread producer([&] {
    {
      std::lock_guard<std::mutex> guard(m);
      data = 42;
      ready = true;
    }
    cv.notify_one();
  });
  consumer.join();
  producer.join();
}

// The producer notifies before it sets the flag: a consumer that checks the
// flag after the notify and before the store sleeps for good (a lost wakeup:
// a deadlock).
INTERLEAVE_INSTRUMENTED_TEST(std_cv_notify_early, "producer notifies before setting the flag") {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return ready; });
  });
  std::thread producer([&] {
    cv.notify_one();
    std::lock_guard<std::mutex> guard(m);
    ready = true;
  });
  consumer.join();
  producer.join();
}

// Nobody notifies: the consumer polls with a timed wait, which times out
// (pthread_cond_clockwait), and sees the flag once the producer has set it.
// Passes, as it does on real threads.
INTERLEAVE_INSTRUMENTED_TEST(std_cv_poll, "consumer polls a flag with wait_for, no notify") {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(m);
    while (!ready) cv.wait_for(lock, std::chrono::milliseconds(1));
  });
  std::thread producer([&] {
    std::lock_guard<std::mutex> guard(m);
    ready = true;
  });
  consumer.join();
  producer.join();
}
