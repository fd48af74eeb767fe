#include "scheduler/runtime/race_detector.h"

#include <bit>

namespace interleave {

namespace {

// Initial slots of the object table (a power of two); it doubles when half
// full. Small, since an Execution (one per check) allocates it.
constexpr size_t kInitialSlots = 8;

}  // namespace

inline size_t RaceDetector::slot_of(const void* object) const {
  // Fibonacci hashing of the address (its low bits are alignment zeros).
  const uint64_t key = reinterpret_cast<uintptr_t>(object) >> 3;
  size_t slot = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  const ObjectState* slots = objects_.data();
  while (slots[slot].generation == generation_ && slots[slot].object != object) {
    slot = (slot + 1) & mask_;
  }
  return slot;
}

// The hot path: an object already seen in this execution.
inline RaceDetector::ObjectState& RaceDetector::state_of(const void* object) {
  if (!objects_.empty()) [[likely]] {
    ObjectState& s = objects_[slot_of(object)];
    if (s.generation == generation_) [[likely]] return s;
  }
  return add(object);
}

RaceDetector::ObjectState& RaceDetector::add(const void* object) {
  if (objects_.empty()) {
    if (spare_table().empty()) {
      resize(kInitialSlots);
    } else {
      objects_.swap(spare_table());  // every entry is of another generation
      mask_ = objects_.size() - 1;
      shift_ = 64 - std::countr_zero(objects_.size());
    }
  }
  if (2 * (used_ + 1) > objects_.size()) resize(2 * objects_.size());
  ObjectState& s = objects_[slot_of(object)];
  s.object = object;
  s.generation = generation_;
  s.writer = s.reader = kNoThread;
  s.write = s.read = 0;
  s.reads_shared = false;
  s.clock.clear(kMaxThreads);
  ++used_;
  return s;
}

void RaceDetector::resize(size_t slots) {
  std::vector<ObjectState> old(slots);
  old.swap(objects_);
  mask_ = slots - 1;
  shift_ = 64 - std::countr_zero(slots);
  for (ObjectState& s : old) {
    if (s.generation == generation_) objects_[slot_of(s.object)] = s;
  }
}

std::vector<RaceDetector::ObjectState>& RaceDetector::spare_table() {
  thread_local std::vector<ObjectState> table;
  return table;
}

uint64_t RaceDetector::next_generation() {
  thread_local uint64_t generation = 0;
  return ++generation;
}

RaceDetector::~RaceDetector() {
  if (objects_.size() > spare_table().size()) spare_table().swap(objects_);
}

void RaceDetector::begin_execution() {
  generation_ = next_generation();
  used_ = 0;
  width_ = 0;
  notify_count_ = 0;
}

void RaceDetector::start_thread(ThreadId child, ThreadId parent) {
  VectorClock& clock = threads_[static_cast<size_t>(child)];
  if (parent == kNoThread) {
    clock = VectorClock{};
  } else {
    clock = threads_[static_cast<size_t>(parent)];  // after the spawn step
  }
  if (child >= width_) width_ = child + 1;
}

int64_t RaceDetector::on_step(ThreadId t, const Operation& op, uint32_t step,
                              bool acquires_lock) {
  VectorClock& mine = threads_[static_cast<size_t>(t)];
  const Epoch now = epoch_of(step);
  mine.set(t, now);
  switch (op.kind) {
    case OpKind::kLoad:
      if (op.plain) return read(t, state_of(op.object), now);
      mine.join(state_of(op.object).clock, width_);  // acquire
      return -1;
    case OpKind::kFutexWait:  // reads the futex word, an atomic
      mine.join(state_of(op.object).clock, width_);
      return -1;
    case OpKind::kStore:
      if (op.plain) return write(t, state_of(op.object), now);
      state_of(op.object).clock.assign(mine, width_);  // release: a new release sequence
      return -1;
    case OpKind::kExchange:
    case OpKind::kCompareExchange:
    case OpKind::kFetchAdd: {
      // A read-modify-write acquires and continues the release sequence
      // (the thread's clock now covers the object's, so a copy is the join).
      ObjectState& s = state_of(op.object);
      mine.join(s.clock, width_);
      s.clock.assign(mine, width_);
      return -1;
    }
    case OpKind::kLock:
      mine.join(state_of(op.object).clock, width_);
      if (op.waker_step >= 0) {
        // The relock after a wait: it happens after the notify that woke it.
        const auto waker = static_cast<uint32_t>(op.waker_step);
        for (size_t i = notify_count_; i-- > 0;) {
          if (notifies_[i].step == waker) {
            mine.join(notifies_[i].clock, width_);
            break;
          }
          if (notifies_[i].step < waker) break;
        }
      }
      return -1;
    case OpKind::kTryLock:
      if (acquires_lock) mine.join(state_of(op.object).clock, width_);
      return -1;
    case OpKind::kUnlock:
      state_of(op.object).clock.assign(mine, width_);
      return -1;
    case OpKind::kWait:
      // The first half of a wait releases the mutex.
      if (op.object2 != nullptr) state_of(op.object2).clock.assign(mine, width_);
      return -1;
    case OpKind::kNotify:
    case OpKind::kNotifyAll:
      if (notify_count_ == notifies_.size()) notifies_.emplace_back();
      notifies_[notify_count_].step = step;
      notifies_[notify_count_].clock = mine;
      ++notify_count_;
      return -1;
    case OpKind::kJoin:
      if (op.joined != kNoThread) mine.join(threads_[static_cast<size_t>(op.joined)], width_);
      return -1;
    case OpKind::kSpawn:  // the child's clock starts from ours (start_thread)
    case OpKind::kYield:
      return -1;
  }
  return -1;
}

int64_t RaceDetector::read(ThreadId t, ObjectState& s, Epoch e) {
  const VectorClock& mine = threads_[static_cast<size_t>(t)];
  if (s.writer != kNoThread && s.writer != t && !mine.knows(s.writer, s.write)) {
    conflict_thread_ = s.writer;
    conflict_write_ = true;
    return static_cast<int64_t>(s.write) - 1;
  }
  if (s.reads_shared) {
    s.clock.set(t, e);
  } else if (s.reader == kNoThread || s.reader == t || mine.knows(s.reader, s.read)) {
    s.reader = t;  // the earlier read happens before this one
    s.read = e;
  } else {
    s.reads_shared = true;
    s.clock.set(s.reader, s.read);
    s.clock.set(t, e);
  }
  return -1;
}

int64_t RaceDetector::write(ThreadId t, ObjectState& s, Epoch e) {
  const VectorClock& mine = threads_[static_cast<size_t>(t)];
  if (s.writer != kNoThread && s.writer != t && !mine.knows(s.writer, s.write)) {
    conflict_thread_ = s.writer;
    conflict_write_ = true;
    return static_cast<int64_t>(s.write) - 1;
  }
  if (s.reads_shared) {
    // Of several unordered reads, the latest is reported.
    Epoch latest = 0;
    for (ThreadId u = 0; u < width_; ++u) {
      if (u != t && !mine.knows(u, s.clock[u]) && s.clock[u] > latest) {
        latest = s.clock[u];
        conflict_thread_ = u;
      }
    }
    if (latest != 0) {
      conflict_write_ = false;
      return static_cast<int64_t>(latest) - 1;
    }
    s.clock.clear(width_);
    s.reads_shared = false;
  } else if (s.reader != kNoThread && s.reader != t && !mine.knows(s.reader, s.read)) {
    conflict_thread_ = s.reader;
    conflict_write_ = false;
    return static_cast<int64_t>(s.read) - 1;
  }
  // Every earlier access happens before this write, so later accesses need
  // only be checked against it (and the reads after it).
  s.writer = t;
  s.write = e;
  s.reader = kNoThread;
  s.read = 0;
  return -1;
}

void RaceDetector::forget(const void* object) {
  if (objects_.empty()) return;
  const size_t slot = slot_of(object);
  ObjectState& s = objects_[slot];
  if (s.object != object || s.generation != generation_) return;
  const uint64_t generation = s.generation;
  s = ObjectState{};
  s.object = object;
  s.generation = generation;
}

ThreadId RaceDetector::on_access(ThreadId t, const void* object, bool write, uint32_t next_step,
                                 bool* earlier_write) {
  ObjectState& s = state_of(object);
  const Epoch now = epoch_of(next_step);
  const int64_t earlier = write ? this->write(t, s, now) : read(t, s, now);
  if (earlier < 0) return kNoThread;
  *earlier_write = conflict_write_;
  return conflict_thread_;
}

void RaceDetector::advance(ThreadId t, uint32_t next_step) {
  VectorClock& mine = threads_[static_cast<size_t>(t)];
  if (mine[t] < epoch_of(next_step)) mine.set(t, epoch_of(next_step));
}

void RaceDetector::forget_range(const void* begin, size_t size) {
  const auto* first = static_cast<const char*>(begin);
  for (ObjectState& s : objects_) {
    const auto* at = static_cast<const char*>(s.object);
    if (s.generation != generation_ || at < first || at >= first + size) continue;
    const uint64_t generation = s.generation;
    const void* object = s.object;
    s = ObjectState{};
    s.object = object;
    s.generation = generation;
  }
}

}  // namespace interleave
