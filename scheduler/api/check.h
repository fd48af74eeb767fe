// check() and fail(): how a model says something broke.
//
//   check(counter.load() == expected, "lost update: {} increments, counter == {}",
//         expected, counter.load());
//
// The message is a {fmt} format string, formatted only when the check fails.
// Its arguments, like the condition, are evaluated before check() is called,
// passing or not: a load there is a scheduling point of every execution. To
// evaluate them only on failure, write
//
//   INTERLEAVE_CHECK(counter.load() == expected, "lost update: counter == {}",
//                    counter.load());
//
// (located_format.h), which is otherwise the same check.
// A failure ends the execution with the message and the source location of
// the check; it never aborts the process. In a thread body the thread stops
// there; in the invariant the first failure is kept. Outside any execution
// (for example on native threads) a failure throws CheckFailure.
#pragma once

#include <concepts>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "scheduler/api/located_format.h"

namespace interleave {

// Thrown by a failed check outside the scheduler.
class CheckFailure : public std::runtime_error {
 public:
  CheckFailure(std::string message, std::source_location location)
      : std::runtime_error(std::move(message)), location_(location) {}
  const std::source_location& location() const { return location_; }

 private:
  std::source_location location_;
};

namespace detail {

[[gnu::cold]] void report_failure(std::string message, std::source_location location);

}  // namespace detail

template <class... Args>
void check(bool condition, LocatedFormat<std::type_identity_t<Args>...> message,
           Args&&... args) {
  if (condition) [[likely]] return;
  detail::report_failure(fmt::format(message.format, std::forward<Args>(args)...),
                         message.location);
}

template <class... Args>
void fail(LocatedFormat<std::type_identity_t<Args>...> message, Args&&... args) {
  detail::report_failure(fmt::format(message.format, std::forward<Args>(args)...),
                         message.location);
}

}  // namespace interleave
