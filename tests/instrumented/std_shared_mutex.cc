// A std::shared_mutex guarding a pair written together, with std types only:
// its pthread_rwlock_* calls are compare_exchanges on one atomic state under
// interleave's runtime (instrumented/runtime.cc).
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "instrumented/instrumented.h"

// The writer updates both halves under the exclusive lock; the reader reads
// them under a shared lock and finds them equal.
INTERLEAVE_INSTRUMENTED_TEST(std_shared_pair, "a pair under a std::shared_mutex: writer and reader") {
  std::shared_mutex m;
  int first = 0, second = 0;
  std::thread writer([&] {
    std::unique_lock<std::shared_mutex> lock(m);
    first = 1;
    second = 1;
  });
  std::thread reader([&] {
    std::shared_lock<std::shared_mutex> lock(m);
    INTERLEAVE_CHECK(first == second, "reader saw {} and {}", first, second);
  });
  writer.join();
  reader.join();
}

// The writer takes the shared lock by mistake: its writes race with the
// reader's reads.
INTERLEAVE_INSTRUMENTED_TEST(std_shared_pair_bad_lock, "the writer takes a shared lock: a data race") {
  std::shared_mutex m;
  int first = 0, second = 0;
  std::thread writer([&] {
    std::shared_lock<std::shared_mutex> lock(m);
    first = 1;
    second = 1;
  });
  std::thread reader([&] {
    std::shared_lock<std::shared_mutex> lock(m);
    INTERLEAVE_CHECK(first == second, "reader saw {} and {}", first, second);
  });
  writer.join();
  reader.join();
}
