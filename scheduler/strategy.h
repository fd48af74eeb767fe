// The one interface every exploration strategy implements. The explorer asks
// a strategy to start an execution, then, at every visible operation, which
// runnable thread goes next. A strategy sees only scheduling decisions, never
// the model.
//
// Adding a strategy means adding one file that implements this interface.
#pragma once

#include <string>
#include <string_view>

#include "scheduler/thread_set.h"

namespace interleave {

class Strategy {
 public:
  virtual ~Strategy() = default;

  // Name shown in reports ("dfs", "replay", ...).
  virtual std::string_view name() const = 0;

  // Prepares the next execution. Returns false when there is nothing left to
  // explore (or the strategy failed; see error()).
  virtual bool begin_execution() = 0;

  // Chooses the thread that performs the next step. `runnable` is never empty;
  // `current` is the thread that performed the previous step (kNoThread before
  // the first). Returning a thread outside `runnable` ends the execution; the
  // strategy must then have set error() to say why.
  virtual ThreadId pick(ThreadSet runnable, ThreadId current) = 0;

  // Called when an execution has ended, however it ended.
  virtual void end_execution() {}

  // True when the strategy, having returned false from begin_execution()
  // without error, has covered every schedule of the model.
  virtual bool exhaustive() const = 0;

  // Why the strategy could not go on (a schedule that does not fit the
  // execution, a model that behaves nondeterministically). Empty if none.
  const std::string& error() const { return error_; }

 protected:
  void set_error(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  std::string error_;
};

}  // namespace interleave
