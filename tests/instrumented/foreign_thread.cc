// A thread the scheduler does not run: started outside the check (as a
// pool made at start-up would be), it writes shared memory while an
// execution runs. Its writes are not seen, so the check must not give a
// verdict: the runtime ends the run as unsupported, naming the line.
#include <thread>

#include "instrumented/instrumented.h"

// Shared with the background thread (tests/instrumented_test.cc starts it).
int g_requests = 0;

// What the background thread runs: instrumented, as the program's own code.
void background_touch() { g_requests = g_requests + 1; }

// Returns once the background thread has touched g_requests (the test's
// definition); alone (the CLI over these programs) it returns at once.
[[gnu::weak]] void wait_until_background_touched() {}

INTERLEAVE_INSTRUMENTED_TEST(foreign_thread, "a thread started outside the check writes meanwhile") {
  wait_until_background_touched();
  std::thread worker([] { g_requests = g_requests + 1; });
  worker.join();
}
