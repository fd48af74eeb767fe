// thread: a model thread started from another model thread. Starting and
// joining are visible operations; a thread blocked in join() is not runnable
// until the joined thread has finished.
//
//   interleave::thread worker([&] { counter.store(1); });
//   worker.join();
//
// Models usually need no explicit threads: the explorer starts the model's
// own threads. Outside the scheduler this is a std::thread.
#pragma once

#include <functional>
#include <source_location>
#include <thread>

#include "scheduler/runtime/execution.h"

namespace interleave {

class thread {
 public:
  explicit thread(std::function<void()> body,
                  std::source_location location = std::source_location::current()) {
    Execution* ex = Execution::current();
    if (ex != nullptr && ex->in_thread()) {
      id_ = ex->spawn(std::move(body), location);
    } else {
      native_ = std::thread(std::move(body));
    }
  }
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  ~thread() {
    if (native_.joinable()) native_.join();
  }

  void join(std::source_location location = std::source_location::current()) {
    if (native_.joinable()) {
      native_.join();
      return;
    }
    Execution* ex = Execution::current();
    if (ex != nullptr && ex->in_thread() && !ex->tearing_down()) ex->join(id_, location);
  }

  // The thread's number under the scheduler (T<id> in traces).
  ThreadId id() const { return id_; }

 private:
  // Number under the scheduler; kNoThread on native threads.
  ThreadId id_ = kNoThread;
  // The native thread outside the scheduler.
  std::thread native_;
};

// yield(): a visible operation with no effect on shared state, after which
// the calling thread is not chosen again until another thread has made
// progress (performed a step that may change shared state: a write, a lock
// or unlock, a notify, a spawn, finishing). For wait loops:
//
//   while (!ready.load()) interleave::yield();
//
// It states that the thread waits for another one (CHESS's "good samaritan"
// assumption): code that yields and then goes on with work that does not
// depend on other threads loses the interleavings where that work runs right
// after the yield. A loop around it that reads only unchanged values is held
// as a spin until a write (docs/spin_waits.md); if every live thread ends up
// held, the execution fails as a livelock. Outside the scheduler it is
// std::this_thread::yield().
inline void yield(std::source_location location = std::source_location::current()) {
  Execution* ex = Execution::current();
  if (ex == nullptr || !ex->in_thread()) {
    std::this_thread::yield();
    return;
  }
  if (!ex->tearing_down()) ex->yield(location);
}

namespace this_thread {
// The same as interleave::yield(), spelt like std::this_thread::yield().
inline void yield(std::source_location location = std::source_location::current()) {
  interleave::yield(location);
}
}  // namespace this_thread

}  // namespace interleave
