// A reader-writer lock of our own, made of a mutex, a condition variable and
// two fields, and a model that checks it: thread 0 writes a pair of values
// under the write lock, the other threads read the pair under the read lock,
// and no reader may have seen half of a write.
//
// rwlock.racy: lock() waits until no writer holds the lock, but not until the
//   readers have left: a reader can see the first half of a write (torn read).
// rwlock.fixed: lock() also waits for the readers to leave.
#pragma once

#include <utility>

#include <interleave/interleave.h>

namespace rwlock {

using namespace interleave;

// The lock under test. `waits_for_readers` is the bug switch.
template <bool waits_for_readers>
class RwLock {
 public:
  void lock_shared() {
    unique_lock held(mutex_);
    while (writer_.load()) changed_.wait(held);
    readers_.store(readers_.load() + 1);
  }
  void unlock_shared() {
    unique_lock held(mutex_);
    int left = readers_.load() - 1;
    readers_.store(left);
    if (left == 0) changed_.notify_all();
  }
  void lock() {
    unique_lock held(mutex_);
    while (writer_.load() || (waits_for_readers && readers_.load() > 0)) changed_.wait(held);
    writer_.store(true);
  }
  void unlock() {
    unique_lock held(mutex_);
    writer_.store(false);
    changed_.notify_all();
  }

 private:
  mutex mutex_{"rwlock.mutex"};
  condition_variable changed_{"rwlock.changed"};
  // Whether a writer holds the lock.
  shared<bool> writer_{"rwlock.writer", false};
  // How many readers hold the lock.
  shared<int> readers_{"rwlock.readers", 0};
};

// The model: a pair (first, second) that the writer sets to (1, 1), written
// one half at a time, and readers that read both halves under the read lock.
// Afterwards every reader must have seen a whole pair: (0, 0) or (1, 1).
// Each half is an atomic, so that the racy lock shows as the torn read the
// invariant catches; with plain shared<int> halves the checker would report
// the data race between the reader and the writer first.
template <bool waits_for_readers>
struct PairUnderRwLock {
  explicit PairUnderRwLock(const Params& p) : threads(p.threads()) {}

  void thread(int index) {
    if (index == 0) {
      lock.lock();
      first.store(1);
      second.store(1);
      lock.unlock();
    } else {
      lock.lock_shared();
      seen[index] = {first.load(), second.load()};
      lock.unlock_shared();
    }
  }
  void invariant() {
    for (int reader = 1; reader < threads; ++reader) {
      auto [a, b] = seen[reader];
      // INTERLEAVE_CHECK formats its message only if the check fails.
      INTERLEAVE_CHECK(a == b, "torn read: T{} saw first == {}, second == {}", reader, a, b);
    }
  }

  int threads;
  RwLock<waits_for_readers> lock;
  atomic<int> first{"first", 0};
  atomic<int> second{"second", 0};
  // What each reader saw (thread-private: index = thread).
  std::pair<int, int> seen[8] = {};
};

struct Racy : PairUnderRwLock<false> {
  static ModelSpec spec() {
    return {"rwlock.racy", "the writer does not wait for readers to leave: a torn read",
            {threads_param()}, /*buggy=*/true};
  }
  using PairUnderRwLock::PairUnderRwLock;
};

struct Fixed : PairUnderRwLock<true> {
  static ModelSpec spec() {
    return {"rwlock.fixed", "the writer waits for readers to leave: every read is whole",
            {threads_param()}};
  }
  using PairUnderRwLock::PairUnderRwLock;
};

}  // namespace rwlock
