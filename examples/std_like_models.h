// The example data structures written against `sync::` (spsc_ring.h,
// lru_cache.h), as interleave models: each in its buggy and its fixed form.
// Built with sync = interleave::std_like (examples/sync.h without
// EXAMPLES_SYNC_STD), so the structures' atomics and mutexes are the
// checker's visible operations.
#pragma once

#include <optional>

#include <interleave/interleave.h>

#include "examples/lru_cache.h"
#include "examples/spsc_ring.h"

namespace examples::EXAMPLES_SYNC_NS {

// A producer pushes 1, 2, ... `items` through a ring of capacity 2 (one item
// fits, so from the second item on the ring wraps around and the producer
// waits for room); the consumer pops `items` items and checks each is the
// next in order. Full and empty are waited out with
// sync::this_thread::yield().
template <bool PublishFirst>
struct SpscModel {
  static interleave::ModelSpec spec() {
    return {PublishFirst ? "spsc.publish_first" : "spsc.ring",
            PublishFirst ? "SPSC ring that publishes the tail before writing the slot"
                         : "SPSC ring: write the slot, then publish the tail",
            {interleave::ParamSpec{"items", "n", 2, 1, 8, "items pushed through the ring"}},
            /*buggy=*/PublishFirst};
  }
  explicit SpscModel(const interleave::Params& p) : items(static_cast<int>(p.get("items"))) {}
  int thread_count() const { return 2; }

  void thread(int index) {
    if (index == 0) {
      for (int item = 1; item <= items; ++item) {
        while (!ring.push(item)) sync::this_thread::yield();
      }
    } else {
      for (int expected = 1; expected <= items; ++expected) {
        std::optional<int> got;
        while (!(got = ring.pop())) sync::this_thread::yield();
        INTERLEAVE_CHECK(*got == expected, "popped {}, expected {}", *got, expected);
      }
    }
  }
  void invariant() {}

  int items;
  SpscRing<int, 2, PublishFirst> ring;
};

// A cache of capacity 1. T0 puts key 1 and then gets it; T1 puts key 2,
// which evicts key 1 if it is there. T0's get may find 1 (value 10) or
// nothing, never anything else, and must not throw.
template <bool SplitGet>
struct LruModel {
  static interleave::ModelSpec spec() {
    return {SplitGet ? "lru.split_get" : "lru.cache",
            SplitGet ? "LRU cache whose get is contains() then lookup()"
                     : "LRU cache: get under one lock",
            {},
            /*buggy=*/SplitGet};
  }
  explicit LruModel(const interleave::Params&) {}
  int thread_count() const { return 2; }

  void thread(int index) {
    if (index == 0) {
      cache.put(1, 10);
      std::optional<int> got = cache.get(1);
      INTERLEAVE_CHECK(!got || *got == 10, "get(1) returned {}", *got);
    } else {
      cache.put(2, 20);
    }
  }
  void invariant() {
    INTERLEAVE_CHECK(cache.size() == 1, "cache holds {} entries, capacity 1", cache.size());
  }

  LruCache<int, int, SplitGet> cache{1};
};

}  // namespace examples::EXAMPLES_SYNC_NS
