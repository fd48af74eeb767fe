// A function-local static (the "Meyers singleton") with std types only: its
// first use constructs it under libstdc++'s guard (__cxa_guard_acquire),
// whose waits are futex waits through syscall(SYS_futex, ...), which
// interleave's runtime intercepts: a second caller that finds the
// construction under way sleeps until the guard's release wakes it.
#include <atomic>
#include <thread>

#include "instrumented/instrumented.h"

namespace {

std::atomic<int> constructions{0};

// Construction takes a visible step (the count), so that the other thread
// can run while it is under way.
struct Registry {
  Registry() : id(constructions.fetch_add(1) + 1) { entries = 8; }
  int id;
  int entries = 0;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

// Both threads ask for the registry at once: constructed once, and both see
// it constructed. The static lives for the process, so each execution
// starts from its own count: the check is that this execution did not
// construct it more than once (the first execution constructs it; later ones
// find it constructed, as a program's second use would).
INTERLEAVE_INSTRUMENTED_TEST(std_static_local, "two threads, one function-local static") {
  const int before = constructions.load();
  int seen[2] = {0, 0};
  auto get = [&](int who) { seen[who] = registry().entries; };
  std::thread a(get, 0), b(get, 1);
  a.join();
  b.join();
  INTERLEAVE_CHECK(constructions.load() - before <= 1, "constructed {} times",
                   constructions.load() - before);
  INTERLEAVE_CHECK(seen[0] == 8 && seen[1] == 8, "a caller saw {} and {} entries", seen[0],
                   seen[1]);
}

namespace {

std::atomic<int> attempts{0};

// Its first construction throws (the file it reads is not there yet): the
// guard is released unset (__cxa_guard_abort), and the next use tries again.
struct Config {
  Config() {
    if (attempts.fetch_add(1) % 2 == 0) throw 1;
    value = 42;
  }
  int value = 0;
};

int config_value() {
  static Config config;
  return config.value;
}

}  // namespace

// One thread's use throws, the other's builds the static: each execution
// makes two attempts (the counter is process-wide; even attempts throw).
INTERLEAVE_INSTRUMENTED_TEST(std_static_local_throws, "a function-local static whose first "
                                                      "construction throws") {
  attempts.store(0);
  int values = 0, failures = 0;
  auto use = [&] {
    try {
      values += config_value();
    } catch (int) {
      ++failures;
    }
  };
  std::thread a(use), b(use);
  a.join();
  b.join();
  INTERLEAVE_CHECK(values == 42 && failures == 1, "values {}, failures {}", values, failures);
}
