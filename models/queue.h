// Queue models. Seed lesson: message passing through a thread-safe queue
// (Python's queue.Queue) is the safe pattern — producers put numbered items,
// consumers get until they receive a sentinel, one sentinel per consumer —
// while a queue built without a lock loses or duplicates items, and a
// blocking get() after a separate empty() check, or a wait that misses its
// notify, sleeps forever.
//
// Items are numbered 1..producers*items; 0 marks a slot never written and -1
// is the sentinel. Each consumer records what it got in its own row of a
// QueueLedger (plain ints: no other thread touches the row), and the invariant
// checks that every item was consumed exactly once.
#pragma once

#include <array>
#include <vector>

#include "scheduler/api/interleave.h"

namespace models {

using namespace interleave;

inline constexpr int kQueueSentinel = -1;
inline constexpr int kQueueSlots = 8;
inline constexpr int kQueueMaxConsumers = 4;
inline constexpr int kQueueMaxItems = 16;  // producers (<= 4) x items (<= 4)

// Eight named shared<int> slots; a ring uses the first `capacity` of them.
struct QueueSlots {
  shared<int> s0{"queue.slot[0]", 0}, s1{"queue.slot[1]", 0}, s2{"queue.slot[2]", 0},
      s3{"queue.slot[3]", 0}, s4{"queue.slot[4]", 0}, s5{"queue.slot[5]", 0},
      s6{"queue.slot[6]", 0}, s7{"queue.slot[7]", 0};
  std::array<shared<int>*, kQueueSlots> all{&s0, &s1, &s2, &s3, &s4, &s5, &s6, &s7};
  shared<int>& operator[](int i) { return *all[i]; }
};

// How often each item was consumed: one row per consumer, plus one for the
// items the invariant finds still queued.
struct QueueLedger {
  explicit QueueLedger(int total) : total(total) {}

  void record(int row, int item) {
    if (item < 1 || item > total) {
      fail("a consumer got {}, which no producer put (a slot read before it was written)", item);
      return;  // fail() returns only in the invariant
    }
    ++got[row][item];
  }
  // Every item consumed exactly once.
  void check_each_once() {
    for (int item = 1; item <= total; ++item) {
      int times = 0;
      for (const auto& row : got) times += row[item];
      check(times != 0, "item {} never consumed", item);
      check(times != 2, "item {} consumed twice", item);
      check(times <= 2, "item {} consumed {} times", item, times);
    }
  }

  int total;
  std::array<std::array<int, kQueueMaxItems + 1>, kQueueMaxConsumers + 1> got{};
};

// A bounded blocking queue, like queue.Queue(maxsize=capacity): a ring of
// `capacity` slots whose state is guarded by one mutex; get() waits while it
// is empty, put() while it is full.
struct BlockingQueue {
  explicit BlockingQueue(int capacity) : capacity(capacity) {}

  void put(int item) {
    unique_lock held(lock);
    while (count.load() == capacity) not_full.wait(held);
    push_locked(item);
    not_empty.notify_one();
  }
  int get() {
    unique_lock held(lock);
    while (count.load() == 0) not_empty.wait(held);
    int item = pop_locked();
    not_full.notify_one();
    return item;
  }
  // get() that never blocks: false if the queue is empty (queue.get_nowait).
  bool try_get(int& item) {
    lock_guard held(lock);
    if (count.load() == 0) return false;
    item = pop_locked();
    not_full.notify_one();
    return true;
  }
  // The answer is out of date as soon as the lock is released.
  bool empty() {
    lock_guard held(lock);
    return count.load() == 0;
  }

  // The ring itself; the caller holds `lock`.
  void push_locked(int item) {
    int t = tail.load();
    slots[t].store(item);
    tail.store((t + 1) % capacity);
    count.store(count.load() + 1);
  }
  int pop_locked() {
    int n = count.load();
    check(n > 0, "a consumer took an item from an empty queue");
    int h = head.load();
    int item = slots[h].load();
    head.store((h + 1) % capacity);
    count.store(n - 1);
    return item;
  }

  int capacity;
  mutex lock{"queue.lock"};
  condition_variable not_empty{"queue.not_empty"};
  condition_variable not_full{"queue.not_full"};
  shared<int> head{"queue.head", 0}, tail{"queue.tail", 0}, count{"queue.count", 0};
  QueueSlots slots;
};

// queue.blocking: producers put numbered items, then the last producer to
// finish puts one sentinel per consumer; consumers get until a sentinel.
struct QueueBlocking {
  static ModelSpec spec() {
    return {"queue.blocking",
            "queue.Queue with one sentinel per consumer: every item consumed once, no deadlock",
            {ParamSpec{"producers", "p", 1, 1, 4, "producer threads"},
             ParamSpec{"consumers", "c", 2, 1, 4, "consumer threads"},
             ParamSpec{"items", "i", 2, 1, 4, "items each producer puts"},
             ParamSpec{"capacity", "k", 1, 1, kQueueSlots, "slots in the queue"}}};
  }
  explicit QueueBlocking(const Params& p)
      : producers(static_cast<int>(p.get("producers"))),
        consumers(static_cast<int>(p.get("consumers"))),
        items(static_cast<int>(p.get("items"))),
        queue(static_cast<int>(p.get("capacity"))),
        ledger(producers * items) {}
  int thread_count() const { return producers + consumers; }

  int producers, consumers, items;
  BlockingQueue queue;
  shared<int> finished{"producers_finished", 0};  // guarded by queue.lock
  QueueLedger ledger;

  // Counts the calling producer as finished; true for the last one.
  bool last_to_finish() {
    lock_guard held(queue.lock);
    int n = finished.load() + 1;
    finished.store(n);
    return n == producers;
  }

  void thread(int index) {
    if (index < producers) {
      for (int i = 0; i < items; ++i) queue.put(index * items + i + 1);
      // Every other producer has put all its items: time for the sentinels.
      if (last_to_finish()) {
        for (int c = 0; c < consumers; ++c) queue.put(kQueueSentinel);
      }
      return;
    }
    for (int item = queue.get(); item != kQueueSentinel; item = queue.get()) {
      ledger.record(index - producers, item);
    }
  }
  void invariant() { ledger.check_each_once(); }
};

// The shape of the two ring variants: producers put `items` numbered items
// into a ring large enough for all of them; each consumer makes `items`
// non-blocking attempts to get one; the invariant drains what is left.
// head and tail only grow; slot t % 8 holds the t-th item (8 >= every item).
template <class Ring>
struct QueueRingBase {
  explicit QueueRingBase(const Params& p)
      : producers(static_cast<int>(p.get("producers"))),
        consumers(static_cast<int>(p.get("consumers"))),
        items(static_cast<int>(p.get("items"))),
        ledger(producers * items) {}
  static std::vector<ParamSpec> params() {
    return {ParamSpec{"producers", "p", 2, 1, 4, "producer threads"},
            ParamSpec{"consumers", "c", 1, 1, 4, "consumer threads"},
            ParamSpec{"items", "i", 1, 1, 2, "items each producer puts, gets each consumer tries"}};
  }
  int thread_count() const { return producers + consumers; }

  int producers, consumers, items;
  shared<int> head{"queue.head", 0}, tail{"queue.tail", 0};
  QueueSlots slots;
  QueueLedger ledger;

  shared<int>& slot(int index) { return slots[index % kQueueSlots]; }

  void thread(int index) {
    Ring& ring = static_cast<Ring&>(*this);
    for (int i = 0; i < items; ++i) {
      int item = 0;
      if (index < producers) {
        ring.put(index * items + i + 1);
      } else if (ring.try_get(item)) {
        ledger.record(index - producers, item);
      }
    }
  }
  void invariant() {
    for (int h = head.load(); h < tail.load(); ++h) ledger.record(consumers, slot(h).load());
    ledger.check_each_once();
  }
};

// queue.unlocked_ring: head and tail read and written with no lock.
struct QueueUnlockedRing : QueueRingBase<QueueUnlockedRing> {
  static ModelSpec spec() {
    return {"queue.unlocked_ring",
            "a ring buffer without a lock: a data race, and items are lost or consumed twice",
            params(), /*buggy=*/true};
  }
  using QueueRingBase::QueueRingBase;

  void put(int item) {
    int t = tail.load();
    slot(t).store(item);
    tail.store(t + 1);
  }
  bool try_get(int& item) {
    int h = head.load();
    if (h >= tail.load()) return false;
    item = slot(h).load();
    head.store(h + 1);
    return true;
  }
};

// queue.locked_ring: the same ring, every put and get under one mutex.
struct QueueLockedRing : QueueRingBase<QueueLockedRing> {
  static ModelSpec spec() {
    return {"queue.locked_ring", "the same ring buffer under a mutex: no item lost or duplicated",
            params()};
  }
  using QueueRingBase::QueueRingBase;

  mutex lock{"queue.lock"};

  void put(int item) {
    lock_guard held(lock);
    int t = tail.load();
    slot(t).store(item);
    tail.store(t + 1);
  }
  bool try_get(int& item) {
    lock_guard held(lock);
    int h = head.load();
    if (h >= tail.load()) return false;
    item = slot(h).load();
    head.store(h + 1);
    return true;
  }
};

// The shape of the two check-then-get variants: T0 puts one item, T1..Tc
// each try to get it; the item must end up consumed exactly once or still
// queued.
struct QueueOneItemBase {
  explicit QueueOneItemBase(const Params& p) : consumers(static_cast<int>(p.get("consumers"))) {}
  static std::vector<ParamSpec> params() {
    return {ParamSpec{"consumers", "c", 2, 1, 3, "consumer threads"}};
  }
  int thread_count() const { return 1 + consumers; }

  int consumers;
  BlockingQueue queue{1};
  QueueLedger ledger{1};

  void invariant() {
    int item = 0;
    if (queue.try_get(item)) ledger.record(consumers, item);
    ledger.check_each_once();
  }
};

// queue.empty_then_get: `if not q.empty(): q.get()` — two consumers both see
// the one item, one takes it, the other blocks forever in get().
struct QueueEmptyThenGet : QueueOneItemBase {
  static ModelSpec spec() {
    return {"queue.empty_then_get",
            "empty(), then a blocking get(): the item is taken in between, get() waits forever",
            params(), /*buggy=*/true};
  }
  using QueueOneItemBase::QueueOneItemBase;

  void thread(int index) {
    if (index == 0) {
      queue.put(1);
    } else if (!queue.empty()) {
      ledger.record(index - 1, queue.get());
    }
  }
};

// queue.get_nowait: check and take in one locked step (queue.get_nowait()).
struct QueueGetNowait : QueueOneItemBase {
  static ModelSpec spec() {
    return {"queue.get_nowait",
            "check and take under one lock (get_nowait): nobody blocks, no item taken twice",
            params()};
  }
  using QueueOneItemBase::QueueOneItemBase;

  void thread(int index) {
    int item = 0;
    if (index == 0) {
      queue.put(1);
    } else if (queue.try_get(item)) {
      ledger.record(index - 1, item);
    }
  }
};

// The shape of the two wakeup variants: T0 puts `items` items, T1 gets them.
struct QueueHandoffBase {
  explicit QueueHandoffBase(const Params& p)
      : items(static_cast<int>(p.get("items"))), queue(items), ledger(items) {}
  static std::vector<ParamSpec> params() {
    return {ParamSpec{"items", "i", 1, 1, 3, "items put and got"}};
  }
  int thread_count() const { return 2; }

  int items;
  BlockingQueue queue;  // room for every item: the producer never waits
  QueueLedger ledger;

  void invariant() { ledger.check_each_once(); }
};

// queue.missed_wakeup: the producer notifies before it puts the item, and
// the consumer waits with `if (empty)`: a notify that comes before the wait
// is lost (deadlock); one that comes after it wakes the consumer before
// there is an item, which the `if` does not re-check.
struct QueueMissedWakeup : QueueHandoffBase {
  static ModelSpec spec() {
    return {"queue.missed_wakeup",
            "notify before the put, `if (empty) wait`: the notify is lost, the consumer sleeps "
            "forever",
            params(), /*buggy=*/true};
  }
  using QueueHandoffBase::QueueHandoffBase;

  void thread(int index) {
    for (int i = 1; i <= items; ++i) {
      if (index == 0) {
        queue.not_empty.notify_one();  // bug: nothing to get yet
        lock_guard held(queue.lock);
        queue.push_locked(i);
      } else {
        unique_lock held(queue.lock);
        if (queue.count.load() == 0) queue.not_empty.wait(held);  // bug: no re-check
        ledger.record(0, queue.pop_locked());
      }
    }
  }
};

// queue.wakeup_loop: put under the lock, then notify; wait in a loop.
struct QueueWakeupLoop : QueueHandoffBase {
  static ModelSpec spec() {
    return {"queue.wakeup_loop",
            "put under the lock, then notify; `while (empty) wait`: no wakeup is missed",
            params()};
  }
  using QueueHandoffBase::QueueHandoffBase;

  void thread(int index) {
    for (int i = 1; i <= items; ++i) {
      if (index == 0) {
        queue.put(i);
      } else {
        ledger.record(0, queue.get());
      }
    }
  }
};

}  // namespace models
