#include "scheduler/api/mutex.h"

#include <fmt/format.h>

#include "scheduler/api/shown_value.h"

namespace interleave {

void mutex::lock(Location location) {
  if (Execution* ex = detail::scheduling()) {
    ThreadId self = ex->running_thread();
    state_.waiters.insert(self);
    ex->schedule(Operation{OpKind::kLock, &state_, name_, location}, state_.owner == kNoThread);
    // Chosen, so the mutex is free: take it, and block the other waiters.
    state_.waiters.erase(self);
    state_.owner = self;
    ex->block(state_.waiters);
    return;
  }
  if (Execution::current() == nullptr) native_.lock();
}

bool mutex::try_lock(Location location) {
  if (Execution* ex = detail::scheduling()) {
    ex->schedule(Operation{OpKind::kTryLock, &state_, name_, location});
    bool acquired = state_.owner == kNoThread;
    if (acquired) {
      state_.owner = ex->running_thread();
      ex->block(state_.waiters);
    }
    ex->record_read(acquired);
    return acquired;
  }
  if (Execution::current() == nullptr) return native_.try_lock();
  return true;
}

void mutex::unlock(Location location) {
  if (Execution* ex = detail::scheduling()) {
    ex->schedule(Operation{OpKind::kUnlock, &state_, name_, location});
    if (state_.owner != ex->running_thread()) {
      ex->fail(FailureKind::kCheck,
               state_.owner == kNoThread
                   ? fmt::format("T{} unlocks {}, which is not locked", ex->running_thread(), name_)
                   : fmt::format("T{} unlocks {}, which T{} holds", ex->running_thread(), name_,
                                 state_.owner),
               location);
    }
    state_.owner = kNoThread;
    ex->unblock(state_.waiters);
    return;
  }
  if (Execution::current() == nullptr) native_.unlock();
}

}  // namespace interleave
