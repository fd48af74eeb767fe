#include "scheduler/api/condition_variable.h"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "scheduler/api/shown_value.h"
#include "scheduler/runtime/fiber_sanitizer.h"

namespace interleave {

// Reads the register saves of its own prologue: not instrumented.
INTERLEAVE_NO_SANITIZE_ADDRESS
bool condition_variable::wait_once(unique_lock& lock, WaitRules rules, Location location) {
  CallerState model;  // the model's state at the call, for Execution::note_wait
#if defined(__x86_64__)
  // As in Execution::schedule_fields: the prologue saves the caller's
  // callee-saved registers (rbx, r12-r15) right under the saved frame
  // pointer, so the model's state is the stack from those saves up: its
  // registers, its frames. (This function's own frame below is left out: its
  // stale slots differ from call to call.)
  asm volatile("" ::: "rbx", "r12", "r13", "r14", "r15");
  model.stack = static_cast<const char*>(__builtin_frame_address(0)) - 5 * sizeof(void*);
  model.return_address = __builtin_return_address(0);
#endif
  mutex& m = lock.mutex();
  if (Execution* ex = detail::scheduling()) {
    ThreadId self = ex->running_thread();
    const bool spurious = rules.spurious && ex->limits().spurious_wakeups;
    const bool repeat = (spurious || rules.timed) && ex->note_wait(this, model);
    ex->schedule(Operation{OpKind::kWait, this, name_, location, &m.state_});
    if (m.state_.owner != self) {
      ex->fail(FailureKind::kCheck,
               fmt::format("T{} waits on {} without holding {}", self, name_, m.name()), location);
    }
    if (spurious && !woke_spuriously_.contains(self) && ex->choose(2) == 1) {
      // Alternative 1: a spurious wakeup, at once: the wait returns with the
      // mutex retaken before any other thread could take it, the state as
      // the thread left it.
      woke_spuriously_.insert(self);
      ex->woke_spuriously();
      return false;
    }
    // Release the mutex, and sleep until a notify makes the relock runnable.
    m.state_.owner = kNoThread;
    ex->unblock(m.state_.waiters);
    waiting_[waiting_count_++] = self;
    relock_[self] = &m;
    bool timed_out = false;
    if (rules.timed && !ex->pruned()) {
      // Runnable whenever the mutex is free: the relock is the timeout
      // unless a notify comes first (and turns it into a plain relock).
      m.state_.waiters.insert(self);
      // Back here unchanged after a timeout: timing out again before another
      // thread progresses would repeat the same steps.
      if (repeat) ex->hold_after_wait();
      ex->schedule(Operation{OpKind::kLock, &m.state_, m.name(), location, this});
      ThreadId* end = waiting_.data() + waiting_count_;
      ThreadId* at = std::find(waiting_.data(), end, self);
      if (at != end) {
        timed_out = true;
        std::copy(at + 1, end, at);
        --waiting_count_;
      }
    } else {
      ex->schedule(Operation{OpKind::kWait, this, name_, location, &m.state_}, /*can_run=*/false);
    }
    // Woken (or timed out) and chosen: the mutex is free, so take it back.
    m.state_.waiters.erase(self);
    m.state_.owner = self;
    ex->block(m.state_.waiters);
    if (timed_out) ex->woke_spuriously();
    return timed_out;
  }
  if (Execution::current() == nullptr) {
    std::unique_lock<std::mutex> native(m.native_, std::adopt_lock);
    native_.wait(native);
    native.release();
  }
  return false;
}

void condition_variable::wake(Execution& ex, ThreadId t) {
  mutex& m = *relock_[t];
  // The sleeping thread's next step becomes taking its mutex back, which it
  // can do as soon as the mutex is free.
  Operation relock = ex.pending(t);
  relock.kind = OpKind::kLock;
  relock.object = &m.state_;
  // A timed wait's relock keeps naming the variable: had it run before this
  // notify it would have timed out, so the two stay ordered (DPOR).
  if (relock.object2 != this) relock.object2 = nullptr;
  relock.waker_step = static_cast<int32_t>(ex.steps()) - 1;  // the notify being performed
  relock.name = m.name();
  ex.set_pending(t, relock);
  m.state_.waiters.insert(t);
  if (m.state_.owner == kNoThread) {
    ThreadSet woken;
    woken.insert(t);
    ex.unblock(woken);
  }
}

void condition_variable::notify_one(Location location) {
  if (Execution* ex = detail::scheduling()) {
    ex->schedule(Operation{OpKind::kNotify, this, name_, location});
    if (waiting_count_ > 0) {
      // Any waiter; alternative i wakes the i-th longest waiting (0: the
      // longest, which earlier versions always woke).
      const int woken = ex->choose(waiting_count_);
      ThreadId t = waiting_[woken];
      for (int i = woken + 1; i < waiting_count_; ++i) waiting_[i - 1] = waiting_[i];
      --waiting_count_;
      wake(*ex, t);
      ex->record_written(t);
    }
    return;
  }
  if (Execution::current() == nullptr) native_.notify_one();
}

void condition_variable::notify_all(Location location) {
  if (Execution* ex = detail::scheduling()) {
    ex->schedule(Operation{OpKind::kNotifyAll, this, name_, location});
    ex->record_written(waiting_count_);
    for (int i = 0; i < waiting_count_; ++i) wake(*ex, waiting_[i]);
    waiting_count_ = 0;
    return;
  }
  if (Execution::current() == nullptr) native_.notify_all();
}

}  // namespace interleave
