// A least-recently-used cache guarded by one mutex, written against `sync::`
// (examples/sync.h) the way one would write it against std.
//
// Every public member takes the mutex for its whole work, so each is atomic
// on its own. put() inserts or refreshes a key and evicts the least recently
// used one beyond the capacity; get() returns a copy of the value and marks
// the key as most recently used.
//
// The planted bug (SplitGet = true): get() is built from two operations that
// are each thread-safe, contains() and then lookup(), with the mutex released
// between them. Another thread's put() can evict the key in that gap, and
// lookup()'s std::unordered_map::at throws std::out_of_range for a key that
// contains() had just seen. No data race (every access is under the mutex),
// so ThreadSanitizer has nothing to report; the checker finds the schedule.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

#include "examples/sync.h"

namespace examples::EXAMPLES_SYNC_NS {

template <class Key, class Value, bool SplitGet = false>
class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity) {}

  // Inserts or replaces `key`, makes it the most recent, and evicts the least
  // recent key if the cache holds more than its capacity.
  void put(const Key& key, Value value) {
    sync::lock_guard<sync::mutex> hold(mutex_);
    auto found = index_.find(key);
    if (found != index_.end()) {
      found->second->second = std::move(value);
      order_.splice(order_.begin(), order_, found->second);
      return;
    }
    order_.emplace_front(key, std::move(value));
    index_[key] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  // The value of `key` (and it becomes the most recent), or nullopt.
  std::optional<Value> get(const Key& key) {
    if (SplitGet) {
      if (!contains(key)) return std::nullopt;
      return lookup(key);
    }
    sync::lock_guard<sync::mutex> hold(mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, found->second);
    return found->second->second;
  }

  // Whether `key` is cached now.
  bool contains(const Key& key) {
    sync::lock_guard<sync::mutex> hold(mutex_);
    return index_.count(key) != 0;
  }

  // The value of `key`, which must be cached (std::out_of_range otherwise);
  // it becomes the most recent.
  Value lookup(const Key& key) {
    sync::lock_guard<sync::mutex> hold(mutex_);
    auto at = index_.at(key);
    order_.splice(order_.begin(), order_, at);
    return at->second;
  }

  size_t size() {
    sync::lock_guard<sync::mutex> hold(mutex_);
    return order_.size();
  }

 private:
  using Order = std::list<std::pair<Key, Value>>;
  // Most recent first.
  const size_t capacity_;
  Order order_;
  std::unordered_map<Key, typename Order::iterator> index_;
  sync::mutex mutex_;
};

}  // namespace examples::EXAMPLES_SYNC_NS
