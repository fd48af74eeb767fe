// std::call_once with std types only: under interleave's runtime,
// pthread_once is a load of a `done` flag, else a mutex held while the
// routine runs (instrumented/runtime.cc). The routine runs once per flag,
// whoever calls first; a routine that throws leaves the flag unset.
#include <mutex>
#include <stdexcept>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

// A lazily built table, as a library would keep it: the first caller of
// get() fills it, every caller reads it.
struct Table {
  int built = 0;    // how many times it was filled
  int entries = 0;  // what the callers read
};

}  // namespace

// Two threads ask for the table at once: it is filled once, and both see it
// filled (the routine's writes happen before call_once returns to either).
INTERLEAVE_INSTRUMENTED_TEST(std_call_once, "two threads, one std::call_once") {
  std::once_flag flag;
  Table table;
  int seen[2] = {0, 0};
  auto get = [&](int who) {
    std::call_once(flag, [&] {
      ++table.built;
      table.entries = 16;
    });
    seen[who] = table.entries;
  };
  std::thread a(get, 0), b(get, 1);
  a.join();
  b.join();
  INTERLEAVE_CHECK(table.built == 1, "the table was built {} times", table.built);
  INTERLEAVE_CHECK(seen[0] == 16 && seen[1] == 16, "a caller saw {} and {} entries", seen[0],
                   seen[1]);
}

// A planted bug seen in real code: the once_flag lives in each caller's own
// object, so every caller builds the shared table, racing with the others.
INTERLEAVE_INSTRUMENTED_TEST(std_call_once_flag_per_caller, "a once_flag per caller") {
  Table table;
  auto get = [&] {
    std::once_flag flag;  // should be shared
    std::call_once(flag, [&] {
      ++table.built;
      table.entries = 16;
    });
  };
  std::thread a(get), b(get);
  a.join();
  b.join();
  INTERLEAVE_CHECK(table.built == 1, "the table was built {} times", table.built);
}

// The first attempt throws (the routine failed): the flag stays unset and
// the next caller runs the routine again, as C++ requires.
INTERLEAVE_INSTRUMENTED_TEST(std_call_once_throws, "a routine that throws once") {
  std::once_flag flag;
  int attempts = 0, built = 0, failures = 0;
  auto get = [&] {
    try {
      std::call_once(flag, [&] {
        if (++attempts == 1) throw std::runtime_error("first attempt fails");
        ++built;
      });
    } catch (const std::runtime_error&) {
      ++failures;
    }
  };
  std::thread a(get), b(get);
  a.join();
  b.join();
  INTERLEAVE_CHECK(built == 1 && failures == 1 && attempts == 2,
                   "built {} times, {} failures, {} attempts", built, failures, attempts);
}
