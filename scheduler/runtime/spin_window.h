// Spin detection: recognising a thread that waits in a loop for another
// thread's write, so that it is held (not runnable) instead of spinning until
// --max-steps (docs/spin_waits.md).
//
// Control flow. Every step is classified when it runs (Execution::begin_step)
// as *read-like* (a load, a yield, a compare_exchange that fails or would
// write the value already there, an exchange that would write the value
// already there) or as *effective* (everything else: it may change shared
// state). Each thread keeps a SpinWindow: its read-like steps since its own
// last effective step, oldest first, as long as nothing they read has been
// written since. An effective step of another thread on an object drops, from
// every window, the entries up to and including the last one that read the
// object (those values are stale; later entries are still current).
//
// At its next scheduling point, a thread whose pending operation is
// read-like and repeats an entry of its window (same kind, object and call
// site) fingerprints its state: its callee-saved registers, the return
// address into the model, and its stack above the scheduler's frames
// (CallerState). The first repetition records the fingerprint; a later one
// with the same fingerprint, where the entries from the recorded one on read
// at most kMaxAwaited objects (yields read none), proves the thread is where
// it was one iteration ago, with the same locals and the same values to
// read: run alone, it would go round forever. It is *held* until another
// thread's effective step writes one of those objects (the *waker*), and the
// steps of the iteration are marked as a spin in the trace.
//
// Sound under one assumption, stated in docs/spin_waits.md: the thread's
// state lives in its registers and stack, and in shared<T>/atomic<T>
// objects; state it keeps elsewhere (model members, the heap) and changes
// between visible operations is not seen.
#pragma once

#include <array>
#include <cstdint>

#include "scheduler/runtime/operation.h"

namespace interleave {

// The state of a model thread at the call into the scheduler, captured by
// Execution::schedule_fields on every step (a few stores) and hashed only
// when a pending operation repeats one of its window.
struct CallerState {
  // The caller's callee-saved registers (x86-64: rbx, r12-r15 as the
  // prologue saved them, then rbp); the model's locals that live in
  // registers across the call.
  uint64_t registers[6] = {};
  // The return address into model code: the call site.
  const void* return_address = nullptr;
  // The caller's stack pointer at the call: the model's frames are
  // [stack, top of the thread's stack). nullptr where capture is not
  // supported (then nothing is ever held as a spin).
  const char* stack = nullptr;
};

// A 64-bit fingerprint of `state` and the stack words from state.stack up to
// `top`: equal for equal thread states, different otherwise but for a
// hash collision (about 2^-64 per comparison).
uint64_t fingerprint(const CallerState& state, const void* top);

// Whether `op`, about to run now, is read-like: it changes no shared value.
// A compare_exchange or exchange without a ValueProbe counts as effective.
inline bool read_like(const Operation& op) {
  switch (op.kind) {
    case OpKind::kLoad:
    case OpKind::kYield: return true;
    case OpKind::kCompareExchange:
      if (op.probe == nullptr) return false;
      return op.probe->current(op.object) != op.probe->expected ||
             (op.probe->knows_desired && op.probe->desired == op.probe->expected);
    case OpKind::kExchange:
      return op.probe != nullptr && op.probe->knows_desired &&
             op.probe->current(op.object) == op.probe->desired;
    default: return false;
  }
}

// One thread's read-like steps since its last effective step whose values
// are still current, oldest first. Fixed capacity: when full, the oldest
// entry goes (a loop whose iteration has more read-like steps than that is
// never held).
class SpinWindow {
 public:
  static constexpr int kCapacity = 16;

  struct Entry {
    // The object read; nullptr for a yield.
    const void* object;
    // The call site in model code.
    const void* return_address;
    // The step's index in the trace (0-based).
    uint32_t step;
    OpKind kind;
    // Whether `state` holds the thread's fingerprint before this step (taken
    // only when the step repeated an earlier entry).
    bool has_state;
    uint64_t state;
  };

  bool empty() const { return size_ == 0; }
  int size() const { return size_; }
  const Entry& operator[](int i) const { return entries_[i]; }
  void clear() { size_ = 0; }

  // Appends an entry, dropping the oldest when full.
  void push(const Entry& e) {
    if (size_ == kCapacity) {
      for (int i = 1; i < size_; ++i) entries_[i - 1] = entries_[i];
      --size_;
    }
    entries_[size_++] = e;
  }

  // The latest entry of the same kind, object and call site; -1 if none.
  int find(OpKind kind, const void* object, const void* return_address) const {
    for (int i = size_; i-- > 0;) {
      const Entry& e = entries_[i];
      if (e.kind == kind && e.object == object && e.return_address == return_address) return i;
    }
    return -1;
  }

  // `object` has been written: drops the entries up to and including the
  // last one that read it. Returns whether any entry went.
  bool drop_through(const void* object) {
    int last = -1;
    for (int i = size_; i-- > 0;) {
      if (entries_[i].object == object) {
        last = i;
        break;
      }
    }
    if (last < 0) return false;
    const int kept = size_ - (last + 1);
    for (int i = 0; i < kept; ++i) entries_[i] = entries_[last + 1 + i];
    size_ = kept;
    return true;
  }

  // The objects the entries from `from` on and `also` read (yields'
  // nullptr left out), at most kMaxAwaited of them: the ones whose write
  // can change what the loop sees.
  static constexpr int kMaxAwaited = 4;
  struct Awaited {
    std::array<const void*, kMaxAwaited> objects{};
    // How many of `objects` are set; -1 when the entries read more.
    int count = 0;
    bool contains(const void* o) const {
      for (int i = 0; i < count; ++i) {
        if (objects[i] == o) return true;
      }
      return false;
    }
  };
  Awaited objects_read(int from, const void* also) const {
    Awaited a;
    auto add = [&a](const void* o) {
      if (o == nullptr || a.count < 0 || a.contains(o)) return;
      if (a.count == kMaxAwaited) {
        a.count = -1;
        return;
      }
      a.objects[a.count++] = o;
    };
    add(also);
    for (int i = from; i < size_; ++i) add(entries_[i].object);
    return a;
  }

 private:
  std::array<Entry, kCapacity> entries_;
  int size_ = 0;
};

}  // namespace interleave
