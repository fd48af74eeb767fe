// Where a std_like operation runs, decided at each call:
//
//   kScheduler  on a model thread of an execution: a visible operation, through
//               the model API (interleave::atomic, mutex, condition_variable, ...)
//   kExecution  inside an execution but not on a model thread (the model's
//               constructor, invariant, destructor) or while a failed execution
//               is torn down: the model API acts directly, without scheduling
//   kNative     outside any execution (the native engine, plain programs): the
//               std type does the work
//
// Every std_like type keeps the model-API object for the first two and the
// std object for the third, and dispatches on engine().
#pragma once

#include <source_location>
#include <string>
#include <utility>

#include "scheduler/runtime/execution.h"

namespace interleave::std_like::detail {

enum class Engine { kScheduler, kExecution, kNative };

// The engine of the calling code (see above).
inline Engine engine() {
  Execution* ex = Execution::current();
  if (ex == nullptr) return Engine::kNative;
  return ex->in_thread() && !ex->tearing_down() ? Engine::kScheduler : Engine::kExecution;
}

// Whether the calling code runs outside any execution.
inline bool native() { return Execution::current() == nullptr; }

// Fails the running execution with `message` at `location` (kCheck), for a
// precondition of a std type that the caller broke (undefined behaviour in
// C++, such as counting a latch below zero). Only on a model thread under the
// scheduler (engine() == kScheduler); does not return there.
inline void fail(std::string message, std::source_location location) {
  Execution::current()->fail(FailureKind::kCheck, std::move(message), location);
}

}  // namespace interleave::std_like::detail
