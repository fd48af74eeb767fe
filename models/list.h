// List models. Seed lesson (free-threaded Python): list.append is atomic
// because every list has its own lock, but `if len(lst) > 0: lst.pop()` is
// two atomic calls, and another thread can take the last item between them.
// `lst[i] = lst[i] + 1` and an unlocked linked-list push are read-modify-writes
// that lose updates the way `counter += 1` does.
#pragma once

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "scheduler/api/interleave.h"

namespace models {

using namespace interleave;

// "s" unless n is 1: "1 item", "2 items".
inline const char* plural(int n) { return n == 1 ? "" : "s"; }

// Trace names "<base>[0]", "<base>[1]", ..., built at compile time so they
// outlive every model (shared<T> keeps the pointer).
template <int N>
struct ElementNames {
  static_assert(N > 0 && N <= 100);
  constexpr explicit ElementNames(std::string_view base) {
    if (base.size() > 11) throw std::length_error("element name base too long");
    for (int i = 0; i < N; ++i) {
      std::size_t k = 0;
      for (char c : base) text[i][k++] = c;
      text[i][k++] = '[';
      if (i >= 10) text[i][k++] = static_cast<char>('0' + i / 10);
      text[i][k++] = static_cast<char>('0' + i % 10);
      text[i][k++] = ']';
    }
  }
  char text[N][16] = {};
};

// A fixed-size array of shared<T>: each element is its own shared variable.
template <class T, int N>
class SharedArray {
 public:
  SharedArray(const ElementNames<N>& names, T initial)
      : SharedArray(names, initial, std::make_index_sequence<N>{}) {}

  // `i` must be in [0, N): the models keep their indices in range.
  shared<T>& operator[](int i) { return items_[i]; }
  static constexpr int capacity() { return N; }

 private:
  template <std::size_t... I>
  SharedArray(const ElementNames<N>& names, T initial, std::index_sequence<I...>)
      : items_{shared<T>(names.text[I], initial)...} {}

  std::array<shared<T>, N> items_;
};

inline constexpr int kListCapacity = 32;
inline constexpr ElementNames<kListCapacity> kItemNames{"items"};

// A list as free-threaded Python has it: items, a size and the list's own
// lock. append, len and pop each hold the lock for their whole body, so each
// call is atomic; a sequence of calls is not.
struct PyList {
  SharedArray<int, kListCapacity> items{kItemNames, 0};
  shared<int> size{"size", 0};
  mutex lock{"list_lock"};

  void append(int value) {
    lock_guard guard(lock);
    int n = size.load();
    if (n >= kListCapacity) {
      fail("list full: {} items", n);  // not reached: the parameters bound the appends
      return;
    }
    items[n].store(value);
    size.store(n + 1);
  }
  int len() {
    lock_guard guard(lock);
    return size.load();
  }
  // T`self` pops the last item, having seen `seen` items; pop_held when the
  // caller already holds the lock.
  int pop(int self, int seen) {
    lock_guard guard(lock);
    return pop_held(self, seen);
  }
  int pop_held(int self, int seen) {
    int n = size.load();
    if (n == 0) {  // Python raises IndexError; a failed check ends the thread
      fail("pop on empty list: T{} saw {} item{}, another thread took it first", self, seen,
           plural(seen));
      return -1;
    }
    size.store(n - 1);
    return items[n - 1].load();
  }
};

// list.append_locked: every thread appends `iters` items (thread t's item i is
// t*iters + i) through the list's own lock.
struct ListAppendLocked {
  static ModelSpec spec() {
    return {"list.append_locked",
            "append under the list's own lock (free-threaded Python's per-list lock): no item lost",
            {threads_param(2, 4), iters_param(2, 8)}};
  }
  explicit ListAppendLocked(const Params& p) : threads(p.threads()), iters(p.iters()) {}

  PyList list;
  int threads, iters;

  void thread(int self) {
    for (int i = 0; i < iters; ++i) list.append(self * iters + i);
  }
  void invariant() {
    int total = threads * iters, n = list.size.load();
    check(n == total, "lost append: {} appends, the list has {} item{}", total, n, plural(n));
    std::array<bool, kListCapacity> present{};
    for (int k = 0; k < n && k < kListCapacity; ++k) {
      int v = list.items[k].load();
      if (v >= 0 && v < kListCapacity) present[v] = true;
    }
    for (int v = 0; v < total; ++v) {
      check(present[v], "lost append: T{}'s item {} is not in the list", v / iters, v % iters);
    }
  }
};

// The shape both pop variants share: one item, consumers that take it if any.
struct ListPopBase {
  static constexpr int kItem = 7, kMaxConsumers = 8;
  explicit ListPopBase(const Params& p) : threads(p.threads()) { list.append(kItem); }

  PyList list;
  int threads;
  // got[t]: what T t popped (its own slot, read only after the threads finish).
  std::array<int, kMaxConsumers> got{};

  void check_taken_once() {
    int takers = 0;
    for (int t = 0; t < threads; ++t) takers += got[t] == kItem;
    int left = list.size.load();
    check(takers == 1 && left == 0, "the one item was popped {} times, {} item{} left", takers,
          left, plural(left));
  }
};

// list.check_then_pop: `if len(lst) > 0: lst.pop()`, two atomic calls.
struct ListCheckThenPop : ListPopBase {
  static ModelSpec spec() {
    return {"list.check_then_pop",
            "`if len(lst) > 0: lst.pop()`: each call is atomic, the pair is not: pop on empty list",
            {threads_param(2, kMaxConsumers)}, /*buggy=*/true};
  }
  using ListPopBase::ListPopBase;

  void thread(int self) {
    int seen = list.len();
    if (seen > 0) got[self] = list.pop(self, seen);
  }
  void invariant() { check_taken_once(); }
};

// list.check_then_pop_locked: the check and the pop under one hold of the lock.
struct ListCheckThenPopLocked : ListPopBase {
  static ModelSpec spec() {
    return {"list.check_then_pop_locked",
            "the length check and the pop under one hold of the list lock: the item is taken once",
            {threads_param(2, kMaxConsumers)}};
  }
  using ListPopBase::ListPopBase;

  void thread(int self) {
    lock_guard guard(list.lock);
    int seen = list.size.load();
    if (seen > 0) got[self] = list.pop_held(self, seen);
  }
  void invariant() { check_taken_once(); }
};

inline constexpr ElementNames<3> kANames{"a"};

// The shape both index variants share: a = [0, 0, 0], every thread adds 1 to
// a[0] `iters` times. (Each element access alone is atomic, as in Python.)
struct ListIndexBase {
  explicit ListIndexBase(const Params& p) : threads(p.threads()), iters(p.iters()) {}

  SharedArray<int, 3> a{kANames, 0};
  int threads, iters;

  void check_total() {
    int expected = threads * iters, value = a[0].load();
    check(value == expected, "lost update: {} increments, a[0] == {}", expected, value);
  }
};

// list.index_increment: `a[0] = a[0] + 1` as a load, then a store.
struct ListIndexIncrement : ListIndexBase {
  static ModelSpec spec() {
    return {"list.index_increment",
            "`a[0] = a[0] + 1` as a load then a store: a data race, and increments are lost",
            {threads_param(), iters_param()}, /*buggy=*/true};
  }
  using ListIndexBase::ListIndexBase;

  void thread(int) {
    for (int i = 0; i < iters; ++i) {
      int value = a[0].load();
      a[0].store(value + 1);
    }
  }
  void invariant() { check_total(); }
};

// list.index_increment_locked: the same increment, under a mutex.
struct ListIndexIncrementLocked : ListIndexBase {
  static ModelSpec spec() {
    return {"list.index_increment_locked", "`a[0] = a[0] + 1` under a mutex: no update lost",
            {threads_param(), iters_param()}};
  }
  using ListIndexBase::ListIndexBase;

  mutex lock{"lock"};

  void thread(int) {
    for (int i = 0; i < iters; ++i) {
      lock_guard guard(lock);
      int value = a[0].load();
      a[0].store(value + 1);
    }
  }
  void invariant() { check_total(); }
};

inline constexpr int kNodePool = 32;
inline constexpr int kNullNode = -1;
inline constexpr ElementNames<kNodePool> kNextNames{"next"};

// The shape both linked variants share: a singly linked list over a pool of
// nodes (node k's link is next[k], -1 is null); thread t pushes nodes
// t*iters .. t*iters + iters-1.
struct LinkedListBase {
  explicit LinkedListBase(const Params& p) : threads(p.threads()), iters(p.iters()) {}

  SharedArray<int, kNodePool> next{kNextNames, kNullNode};
  shared<int> head{"head", kNullNode};
  int threads, iters;

  void push(int node) {
    int first = head.load();
    next[node].store(first);
    head.store(node);
  }
  void check_reachable() {
    int pushes = threads * iters, reachable = 0;
    for (int node = head.load(); node >= 0 && node < kNodePool && reachable < kNodePool;
         node = next[node].load()) {
      ++reachable;
    }
    check(reachable == pushes, "lost node: {} pushes, {} node{} reachable", pushes, reachable,
          plural(reachable));
  }
};

// list.linked_push: read head, link the node to it, write head: unlocked.
struct ListLinkedPush : LinkedListBase {
  static ModelSpec spec() {
    return {"list.linked_push",
            "unlocked push (read head, link node, write head): a data race, and a concurrent "
            "push's node is lost",
            {threads_param(2, 4), iters_param(1, 8)}, /*buggy=*/true};
  }
  using LinkedListBase::LinkedListBase;

  void thread(int self) {
    for (int i = 0; i < iters; ++i) push(self * iters + i);
  }
  void invariant() { check_reachable(); }
};

// list.linked_push_locked: the same push, under a mutex.
struct ListLinkedPushLocked : LinkedListBase {
  static ModelSpec spec() {
    return {"list.linked_push_locked", "the push under a mutex: every node stays reachable",
            {threads_param(2, 4), iters_param(1, 8)}};
  }
  using LinkedListBase::LinkedListBase;

  mutex lock{"lock"};

  void thread(int self) {
    for (int i = 0; i < iters; ++i) {
      lock_guard guard(lock);
      push(self * iters + i);
    }
  }
  void invariant() { check_reachable(); }
};

}  // namespace models
