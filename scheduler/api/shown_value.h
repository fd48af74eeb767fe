// Which values a trace can show: integers, enums and bools, as int64.
#pragma once

#include <cstdint>
#include <type_traits>

#include "scheduler/runtime/execution.h"

namespace interleave::detail {

template <class T>
inline constexpr bool kShowable = std::is_integral_v<T> || std::is_enum_v<T>;

// The execution to schedule on, or nullptr when the operation should act
// directly: outside any execution, on the main context (model constructor,
// invariant), or while a failed execution is torn down.
inline Execution* scheduling() {
  Execution* ex = Execution::current();
  return ex != nullptr && ex->in_thread() && !ex->tearing_down() ? ex : nullptr;
}

template <class T>
void record_read(Execution* ex, const T& value) {
  if constexpr (kShowable<T>) ex->record_read(static_cast<int64_t>(value));
}

template <class T>
void record_written(Execution* ex, const T& value) {
  if constexpr (kShowable<T>) ex->record_written(static_cast<int64_t>(value));
}

}  // namespace interleave::detail
