// Blocking on futexes, written with std types only: std::atomic<T>::wait and
// notify_*, std::latch (libstdc++ 12 waits in syscall(SYS_futex, ...),
// bits/atomic_wait.h). Compiled with -fsanitize=thread and linked with
// interleave's runtime, a futex wait blocks the model thread until a wake of
// its word, so a missing notify is a deadlock, not a hang.
#include <atomic>
#include <latch>
#include <thread>

#include "instrumented/instrumented.h"

// The worker publishes a value, sets the flag and notifies; T0 waits for the
// flag and reads the value.
INTERLEAVE_INSTRUMENTED_TEST(std_atomic_wait_handoff, "std::atomic<int>::wait / notify_one hand-off") {
  std::atomic<int> flag{0};
  int data = 0;
  std::thread worker([&] {
    data = 42;
    flag.store(1);
    flag.notify_one();
  });
  flag.wait(0);
  INTERLEAVE_CHECK(data == 42, "read data == {} after the wait", data);
  worker.join();
}

// The worker forgets to notify: if T0 sleeps before the store, it sleeps
// for good (a deadlock the runtime reports; on real threads, a hang).
INTERLEAVE_INSTRUMENTED_TEST(std_atomic_wait_no_notify, "std::atomic<int>::wait, never notified") {
  std::atomic<int> flag{0};
  std::thread worker([&] { flag.store(1); });
  flag.wait(0);
  worker.join();
}

// Two workers fill their slots and count a std::latch down; T0 waits on the
// latch and reads both slots.
INTERLEAVE_INSTRUMENTED_TEST(std_latch_fill, "two workers count a std::latch down, T0 waits") {
  std::latch done(2);
  int slot[2] = {0, 0};
  std::thread a([&] {
    slot[0] = 1;
    done.count_down();
  });
  std::thread b([&] {
    slot[1] = 2;
    done.count_down();
  });
  done.wait();
  INTERLEAVE_CHECK(slot[0] + slot[1] == 3, "slots {} and {} after the latch", slot[0], slot[1]);
  a.join();
  b.join();
}
