// std::timed_mutex::try_lock_for with std types only: under interleave's
// runtime its pthread_mutex_clocklock is a try_lock the scheduler may run at
// any point, taken if the mutex is free then, else timed out.
#include <chrono>
#include <mutex>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

constexpr auto kPatience = std::chrono::milliseconds(10);

}  // namespace

// Each thread increments under the mutex if it gets it in time and counts a
// timeout otherwise: every increment is counted one way or the other.
INTERLEAVE_INSTRUMENTED_TEST(std_timed_counter, "try_lock_for: increment or count the timeout") {
  std::timed_mutex m;
  int counter = 0, timeouts = 0;
  auto add = [&] {
    if (m.try_lock_for(kPatience)) {
      ++counter;
      m.unlock();
    } else {
      std::lock_guard<std::timed_mutex> guard(m);
      ++timeouts;
    }
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  INTERLEAVE_CHECK(counter + timeouts == 2, "counter {} + timeouts {} != 2", counter, timeouts);
}

// The result of try_lock_for is ignored: a thread that timed out increments
// without the mutex and unlocks a mutex it does not hold.
INTERLEAVE_INSTRUMENTED_TEST(std_timed_counter_unchecked, "try_lock_for's result ignored") {
  std::timed_mutex m;
  int counter = 0;
  auto add = [&] {
    (void)m.try_lock_for(kPatience);
    ++counter;
    m.unlock();
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  INTERLEAVE_CHECK(counter == 2, "lost update: counter == {}", counter);
}
